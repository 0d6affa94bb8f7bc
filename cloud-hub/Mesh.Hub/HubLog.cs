using Mesh.Hub.Sync;

namespace Mesh.Hub;

/// <summary>The hub's log messages. Event ids are stable: dashboards and alerts key on them.</summary>
internal static partial class HubLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Hub store {Path} opened with {NodeCount} node(s)")]
    public static partial void StoreOpened(ILogger logger, string path, int nodeCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Hub listening on {Url} (gRPC and JSON API, HTTP/2 cleartext); HTTP/1.1 JSON API on {ApiUrl}")]
    public static partial void Listening(ILogger logger, string url, string apiUrl);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Node {NodeId} of site {Site} connected; stored head {LastSeq}, node head {HeadSeq}")]
    public static partial void NodeConnected(ILogger logger, string nodeId, string site, long lastSeq, long headSeq);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Node {NodeId} believes the hub acknowledged sequence {ClaimedSeq}, but the hub holds only up to {StoredSeq}; it must resend from there")]
    public static partial void NodeAheadOfHub(ILogger logger, string nodeId, ulong claimedSeq, long storedSeq);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Node {NodeId}: stored {Count} record(s), sequences {FromSeq}..{ToSeq}")]
    public static partial void BatchStored(ILogger logger, string nodeId, int count, long fromSeq, long toSeq);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Node {NodeId}: skipped {Count} record(s) already stored")]
    public static partial void ResendSkipped(ILogger logger, string nodeId, int count);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Node {NodeId}: sync refused ({Problem}, first bad sequence {FirstBadSeq}): {Reason}")]
    public static partial void SyncRefused(ILogger logger, string nodeId, SyncProblem problem, long firstBadSeq, string reason);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Node {NodeId}: sync stream superseded by a newer one")]
    public static partial void StreamSuperseded(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Node {NodeId}: the hub store failed; nothing of the batch was stored")]
    public static partial void StorageFailed(ILogger logger, string nodeId, Exception exception);
}
