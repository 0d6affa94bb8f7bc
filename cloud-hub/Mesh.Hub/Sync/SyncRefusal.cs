using System.Globalization;
using Grpc.Core;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Sync;

/// <summary>
/// Why a sync stream is refused: a message a person can act on, the problem and the first bad sequence
/// (0 when no record is at fault). Sent as an <see cref="RpcException"/> whose trailers carry
/// <see cref="ProblemTrailer"/> and <see cref="FirstBadSequenceTrailer"/>.
/// </summary>
public sealed record SyncRefusal(SyncProblem Problem, long FirstBadSequence, string Message)
{
    public const string ProblemTrailer = "mesh-problem";
    public const string FirstBadSequenceTrailer = "mesh-first-bad-seq";

    public StatusCode Status => StatusOf(Problem);

    /// <summary>Bad bytes → InvalidArgument; a chain that does not continue → FailedPrecondition; another
    /// node's or site's records → PermissionDenied.</summary>
    public static StatusCode StatusOf(SyncProblem problem) => problem switch
    {
        SyncProblem.Malformed or SyncProblem.HashMismatch or SyncProblem.BadCheckpoint or SyncProblem.BatchTooLarge or SyncProblem.InvalidHello => StatusCode.InvalidArgument,
        SyncProblem.Gap or SyncProblem.Fork or SyncProblem.OutOfOrder => StatusCode.FailedPrecondition,
        SyncProblem.HelloRequired or SyncProblem.DuplicateHello => StatusCode.FailedPrecondition,
        SyncProblem.WrongNode or SyncProblem.WrongSite or SyncProblem.CheckpointKeyMismatch => StatusCode.PermissionDenied,
        SyncProblem.Superseded => StatusCode.Aborted,
        SyncProblem.StorageUnavailable => StatusCode.Unavailable,
        SyncProblem.Overloaded or SyncProblem.MessageTooLarge => StatusCode.ResourceExhausted,
        _ => StatusCode.Unknown,
    };

    /// <summary>A refusal about one record: "node edge-1: Gap at sequence 57: expected sequence 51, …".</summary>
    public static SyncRefusal AtRecord(string nodeId, SyncProblem problem, long sequence, string reason) =>
        new(problem, sequence, $"node {nodeId}: {problem} at sequence {sequence}: {reason}");

    /// <summary>A refusal about the stream rather than a record.</summary>
    public static SyncRefusal OfStream(string nodeId, SyncProblem problem, string reason) =>
        new(problem, 0, $"node {(nodeId.Length == 0 ? "(no hello)" : nodeId)}: {problem}: {reason}");

    public static SyncRefusal FromChain(string nodeId, ChainVerdict verdict) =>
        AtRecord(nodeId, ToSyncProblem(verdict.Problem), verdict.FirstBadSequence, verdict.Reason);

    public RpcException ToRpcException() => ToRpcException(null);

    /// <param name="retryAfter">Sent as the <c>retry-after-ms</c> trailer: when the node should try again.</param>
    public RpcException ToRpcException(TimeSpan? retryAfter)
    {
        var trailers = new Metadata
        {
            { ProblemTrailer, Problem.ToString() },
            { FirstBadSequenceTrailer, FirstBadSequence.ToString(CultureInfo.InvariantCulture) },
        };
        if (retryAfter is { } wait)
            trailers.Add(Mesh.Protocol.Grpc.AuditSyncTrailers.RetryAfterMs, ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        return new RpcException(new Status(Status, Message), trailers, Message);
    }

    private static SyncProblem ToSyncProblem(ChainProblem problem) => problem switch
    {
        ChainProblem.Gap => SyncProblem.Gap,
        ChainProblem.OutOfOrder => SyncProblem.OutOfOrder,
        ChainProblem.Fork => SyncProblem.Fork,
        ChainProblem.HashMismatch => SyncProblem.HashMismatch,
        ChainProblem.WrongNode => SyncProblem.WrongNode,
        ChainProblem.Malformed => SyncProblem.Malformed,
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "not a failure"),
    };
}
