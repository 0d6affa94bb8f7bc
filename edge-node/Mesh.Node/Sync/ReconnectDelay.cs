using Grpc.Core;
using Mesh.Protocol.Grpc;

namespace Mesh.Node.Sync;

/// <summary>
/// How long the node waits before it reconnects to its hub, so that a fleet cut off together does not return together.
/// A hub that shed the stream (<c>ResourceExhausted</c> with <c>retry-after-ms</c>) is obeyed: its wait, plus up to 20 %.
/// Otherwise the first retry after a failure waits <c>InitialBackoff</c> plus a random share of <c>ReconnectJitter</c>,
/// and later ones follow the exponential back-off.
/// </summary>
public static class ReconnectDelay
{
    /// <summary>The delay before retry <paramref name="attempt"/> (0 = the first) after <paramref name="error"/>; null:
    /// the exponential back-off decides.</summary>
    public static TimeSpan? For(Exception? error, int attempt, SyncOptions options, Random random)
    {
        if (HubRetryAfter(error) is { } hint)
            return hint + hint * (0.2 * random.NextDouble());
        return attempt == 0 ? First(options, random) : null;
    }

    /// <summary>The first reconnect after a failure (or after a session that ended once it had made progress).</summary>
    public static TimeSpan First(SyncOptions options, Random random) =>
        options.InitialBackoff + options.ReconnectJitter * random.NextDouble();

    /// <summary>The wait the hub asked for when it shed a stream, or null.</summary>
    public static TimeSpan? HubRetryAfter(Exception? error) =>
        error is RpcException { StatusCode: StatusCode.ResourceExhausted } rpc
            ? AuditSyncTrailers.ParseRetryAfter(rpc.Trailers.GetValue(AuditSyncTrailers.RetryAfterMs))
            : null;
}
