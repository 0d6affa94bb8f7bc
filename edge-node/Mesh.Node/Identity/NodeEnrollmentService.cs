using Grpc.Core;
using Mesh.Node.Sync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Identity;

/// <summary>
/// Keeps the node's certificate in force when its hub is <c>https://</c>: enrolls at start with
/// <c>Node:Enrollment:Token</c> when the node has no certificate yet (retrying while the hub is unreachable, giving up
/// with the hub's reason when it refuses the token), then renews over mutual TLS whenever less than a third of the
/// certificate's lifetime is left, keeping the key.
/// </summary>
public sealed class NodeEnrollmentService(
    IOptions<NodeOptions> options, NodeCredentials credentials, HubChannel hub, ILogger<NodeEnrollmentService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var hubUrl = o.Enrollment.HubUrl.Length > 0 ? o.Enrollment.HubUrl : o.Sync.HubUrl;
        if (!hubUrl.StartsWith("https://", StringComparison.Ordinal))
            return;
        if (credentials.Current is null && !await EnrollAsync(new Uri(hubUrl), o.Enrollment.Token, stoppingToken).ConfigureAwait(false))
            return;
        await RenewForeverAsync(stoppingToken).ConfigureAwait(false);
    }

    private async Task<bool> EnrollAsync(Uri hubUrl, string token, CancellationToken ct)
    {
        if (token.Length == 0)
        {
            NodeIdentityLog.NotEnrolled(logger, credentials.DataDirectory);
            return false;
        }
        var delay = TimeSpan.FromMilliseconds(500);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (identity, key) = await NodeEnrollment.EnrollAsync(hubUrl, token, credentials.DataDirectory, ct).ConfigureAwait(false);
                credentials.Replace(identity, key);
                NodeIdentityLog.Enrolled(logger, hubUrl.ToString(), identity.NodeId, identity.Site, identity.Certificate.SerialNumber, identity.Certificate.NotAfter);
                return true;
            }
            catch (EnrollmentException ex) when (IsTransient(ex))
            {
                NodeIdentityLog.EnrollRetrying(logger, hubUrl.ToString(), ex.Message, delay);
            }
            catch (Exception ex) when (ex is EnrollmentException or InvalidDataException)
            {
                NodeIdentityLog.EnrollRefused(logger, hubUrl.ToString(), ex.Message);
                return false;
            }
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
        }
        return false;
    }

    private async Task RenewForeverAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && credentials.Current is { } current)
        {
            NodeIdentityLog.InForce(logger, current.Certificate.SerialNumber, current.NodeId, current.Site, current.Certificate.NotAfter, current.RenewAt);
            var wait = current.RenewAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var renewed = await NodeEnrollment.RenewAsync(hub.Channel, credentials, ct).ConfigureAwait(false);
                    NodeIdentityLog.Renewed(logger, renewed.Certificate.SerialNumber, renewed.Certificate.NotAfter);
                    break;
                }
                catch (Exception ex) when (ex is EnrollmentException or InvalidDataException or RpcException && !ct.IsCancellationRequested)
                {
                    var left = new DateTimeOffset(current.Certificate.NotAfter.ToUniversalTime()) - DateTimeOffset.UtcNow;
                    var retry = TimeSpan.FromTicks(Math.Clamp(left.Ticks / 10, TimeSpan.FromSeconds(1).Ticks, MaxRetry.Ticks));
                    NodeIdentityLog.RenewRetrying(logger, ex.Message, current.Certificate.NotAfter, retry);
                    await Task.Delay(retry, ct).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The hub could not be reached or answered nothing usable yet; a refusal of the token is not transient.</summary>
    private static bool IsTransient(EnrollmentException ex) =>
        ex.InnerException is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown };
}
