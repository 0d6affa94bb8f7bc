using Akka.Actor;
using Akka.Hosting;
using Grpc.Core;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Identity;
using Mesh.Node.Policy;
using Mesh.Node.Sync;
using Mesh.Protocol.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Control;

/// <summary>
/// Keeps the node subscribed to its hub (<c>NodeControl.Watch</c>): the site's active policy and every change
/// to it go to the <see cref="PolicyHost"/>; operators' decisions on this node's approvals go to the device
/// agents; the fleet's revoked certificates go to <see cref="RevokedCertificates"/>. While the stream is open the hub counts as reachable (<see cref="HubLink"/>). Reconnects with the
/// same back-off as audit sync; the hub resends what the node may have missed.
/// </summary>
public sealed partial class NodeControlClient(
    IOptions<NodeOptions> options,
    HubChannel hub,
    HubLink link,
    PolicyHost policies,
    JournalLookup lookup,
    IRequiredActor<DeviceManager> devices,
    NodeCredentials credentials,
    ILogger<NodeControlClient> logger) : BackgroundService
{
    private readonly NodeOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!hub.Configured)
            return;
        var client = new NodeControl.NodeControlClient(hub.Channel);
        var retry = hub.Retry(stoppingToken, args =>
        {
            ControlLog.Retrying(logger, _options.Sync.HubUrl, args.RetryDelay, AuditSyncService.Describe(args.Outcome.Exception));
            return ValueTask.CompletedTask;
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await retry.ExecuteAsync(async ct => await WatchAsync(client, ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                return;
            }
        }
    }

    /// <summary>One subscription; returns normally when the hub ends it, so the next failure starts from the shortest delay.</summary>
    private async Task WatchAsync(NodeControl.NodeControlClient client, CancellationToken ct)
    {
        var current = policies.Current;
        var request = new WatchRequest
        {
            NodeId = _options.NodeId,
            Site = _options.Site,
            PolicyVersion = (ulong)Math.Max(0, current.Policy.Version),
            PolicySha256 = current.Policy.Sha256,
        };
        using var call = client.Watch(request, cancellationToken: ct);
        try
        {
            await call.ResponseHeadersAsync.ConfigureAwait(false);
            link.Set(true);
            ControlLog.Connected(logger, _options.Sync.HubUrl);
            while (await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
                await HandleAsync(call.ResponseStream.Current).ConfigureAwait(false);
        }
        finally
        {
            link.Set(false);
        }
    }

    private async Task HandleAsync(ControlMessage message)
    {
        switch (message.BodyCase)
        {
            case ControlMessage.BodyOneofCase.Policy:
                var p = message.Policy;
                var source = new PolicySource("hub", $"activation {p.Activation}", (long)p.Activation);
                await policies.OfferAsync(p.Text, $"hub:{p.Site}/v{p.Version}", source).ConfigureAwait(false);
                break;
            case ControlMessage.BodyOneofCase.Approval:
                var a = message.Approval;
                if (a.NodeId != _options.NodeId || lookup.DeviceOf(a.ApprovalId) is not { } device)
                {
                    ControlLog.UnknownApproval(logger, a.ApprovalId);
                    return;
                }
                devices.ActorRef.Tell(new DeviceCommands.DecideApproval(_options.Site, device, a.ApprovalId, a.Approved, Local: false, a.DecidedBy, a.Comment));
                break;
            case ControlMessage.BodyOneofCase.Revocations:
                Revocations(message.Revocations);
                break;
        }
    }

    private void Revocations(RevocationList list)
    {
        var revoked = credentials.Revoked;
        try
        {
            var (added, refused) = revoked.Offer(list);
            if (refused is not null)
                NodeIdentityLog.RevocationsRefused(logger, refused, revoked.Count);
            else if (added > 0)
                NodeIdentityLog.RevocationsAdded(logger, added, revoked.Count, revoked.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            NodeIdentityLog.RevocationsNotSaved(logger, revoked.Path, ex);
        }
    }

    private static partial class ControlLog
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Control stream to {Hub} open: policy and approval decisions flow")]
        public static partial void Connected(ILogger logger, string hub);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Control stream to {Hub} failed ({Reason}); retrying in {Delay}; the offline approval rules apply meanwhile")]
        public static partial void Retrying(ILogger logger, string hub, TimeSpan delay, string reason);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Hub sent a decision on approval {ApprovalId}, which this node has not requested; ignored")]
        public static partial void UnknownApproval(ILogger logger, string approvalId);
    }
}
