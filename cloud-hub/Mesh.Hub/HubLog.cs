using Mesh.Hub.Sync;
using Mesh.Protocol.Audit;

namespace Mesh.Hub;

/// <summary>The hub's log messages. Event ids are stable: dashboards and alerts key on them.</summary>
internal static partial class HubLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Hub store {Store} opened with {NodeCount} node(s)")]
    public static partial void StoreOpened(ILogger logger, string store, int nodeCount);

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

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Node {NodeId}: sync stream shed, {Active} of {Max} streams busy (Hub:MaxSyncStreams); told to retry after {RetryAfterMs} ms")]
    public static partial void SyncShed(ILogger logger, string nodeId, int active, int max, long retryAfterMs);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "Node {NodeId} reads back its audit stream from sequence {FromSeq} (the hub holds up to {HeadSeq}): it is rebuilding a damaged journal")]
    public static partial void ReadBackStarted(ILogger logger, string nodeId, long fromSeq, long headSeq);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Node {NodeId}: the hub store failed; nothing of the batch was stored")]
    public static partial void StorageFailed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Node {NodeId}: record {Sequence} ({Kind}) is stored, but its body cannot be indexed: {Problem}")]
    public static partial void ReportMalformed(ILogger logger, string nodeId, long sequence, AuditKind kind, string problem);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Node {NodeId}: record {Sequence} ({Kind}) names approval {ApprovalId}, but {Reason}; not indexed")]
    public static partial void ReportUnmatched(ILogger logger, string nodeId, long sequence, string kind, string approvalId, string reason);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Site {Site}: policy v{Version} ({Sha256}) is active as activation {Activation}, by {By} (rollback: {Rollback})")]
    public static partial void PolicyActivated(ILogger logger, string site, long version, string sha256, long activation, string by, bool rollback);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Site {Site}: policy push by {By} refused: {Reason}")]
    public static partial void PolicyPushRefused(ILogger logger, string site, string by, string reason);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Approval {ApprovalId} of node {NodeId}: {Decision} by {By} (late: {Late})")]
    public static partial void ApprovalDecided(ILogger logger, string approvalId, string nodeId, string decision, string by, bool late);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Node {NodeId} of site {Site} is watching (runs policy v{Version} {Sha256}); sent the active policy activation {Activation}, {Decisions} decision(s) and {Revoked} revoked certificate(s)")]
    public static partial void WatchStarted(ILogger logger, string nodeId, string site, ulong version, string sha256, long activation, int decisions, int revoked);

    [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "Node {NodeId}: watch ended")]
    public static partial void WatchEnded(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Node {NodeId}: watch stream fell {Capacity} message(s) behind; ending it so the node reconnects and gets a fresh snapshot")]
    public static partial void WatchOverflowed(ILogger logger, string nodeId, int capacity);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "Watch refused ({Status}): {Reason}")]
    public static partial void WatchRefused(ILogger logger, Grpc.Core.StatusCode status, string reason);

    [LoggerMessage(EventId = 54, Level = LogLevel.Error, Message = "Node {NodeId}: cannot read the watch snapshot from the hub store")]
    public static partial void WatchStorageFailed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(EventId = 55, Level = LogLevel.Warning, Message = "Node call {Method} refused ({Problem}): {Reason}")]
    public static partial void NodeCallRefused(ILogger logger, string method, string problem, string reason);

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Node {NodeId} of site {Site}: gossip refused at entries[{Index}]: {Problem}; nothing of it was merged")]
    public static partial void GossipRefused(ILogger logger, string nodeId, string site, int index, string problem);

    [LoggerMessage(EventId = 71, Level = LogLevel.Error, Message = "Node {NodeId}: the hub store failed; nothing of the gossip was merged")]
    public static partial void GossipStorageFailed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "NATS: consuming stream {Stream} of site {Site} ({Domain}) as durable consumer {Durable}")]
    public static partial void NatsConsuming(ILogger logger, string stream, string site, string domain, string durable);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "NATS: stream {Stream} ({Domain}) starts with MESH_AUDIT_ but does not name a site as docs/NATS.md encodes it; ignored")]
    public static partial void NatsStreamIgnored(ILogger logger, string stream, string domain);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "NATS: node {NodeId}: record {Sequence} in message {StreamSeq} of stream {Stream} refused ({Problem}); the message is terminated and the hub keeps head {StoredSeq}: {Reason}")]
    public static partial void NatsRecordRefused(ILogger logger, string nodeId, long sequence, ulong streamSeq, string stream, SyncProblem problem, long storedSeq, string reason);

    [LoggerMessage(EventId = 63, Level = LogLevel.Information, Message = "NATS: node {NodeId}: the hub holds up to {StoredSeq} but stream {Stream} delivered {FirstSeq}..{LastSeq}; holding them back until the missing records arrive")]
    public static partial void NatsGapHeld(ILogger logger, string nodeId, long storedSeq, string stream, long firstSeq, long lastSeq);

    [LoggerMessage(EventId = 64, Level = LogLevel.Warning, Message = "NATS: consuming stream {Stream} ({Domain}) failed ({Reason}); retrying in {Delay}")]
    public static partial void NatsConsumerFailed(ILogger logger, string stream, string domain, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 65, Level = LogLevel.Warning, Message = "NATS: cannot list the streams at {Url} ({Domain}): {Reason}; trying again every {Delay}")]
    public static partial void NatsDiscoveryFailed(ILogger logger, string url, string domain, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 66, Level = LogLevel.Warning, Message = "NATS: message {StreamSeq} of stream {Stream} on {Subject} refused and terminated: {Reason}")]
    public static partial void NatsMessageRefused(ILogger logger, ulong streamSeq, string stream, string subject, string reason);

    [LoggerMessage(EventId = 68, Level = LogLevel.Warning, Message = "NATS: closing the connection to {Url} failed ({Reason}); what was fetched had been settled before")]
    public static partial void NatsCloseFailed(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 69, Level = LogLevel.Warning, Message = "NATS: could not give back {Count} fetched messages of stream {Stream} ({Reason}); the server delivers them again after AckWait {AckWait}")]
    public static partial void NatsReleaseFailed(ILogger logger, string stream, int count, string reason, TimeSpan ackWait);

    [LoggerMessage(EventId = 67, Level = LogLevel.Information, Message = "NATS: stream {Stream} ({Domain}) is gone; its consumer stops until the stream appears again")]
    public static partial void NatsStreamGone(ILogger logger, string stream, string domain);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "NATS gossip at {Where} failed ({Reason}); retrying")]
    public static partial void NatsGossipFailed(ILogger logger, string where, string reason);

    [LoggerMessage(EventId = 80, Level = LogLevel.Information, Message = "Access: {Name} signed in as {Role} from {Remote}")]
    public static partial void LoginSucceeded(ILogger logger, string name, string role, string remote);

    [LoggerMessage(EventId = 81, Level = LogLevel.Information, Message = "Access: login as {Name} from {Remote} refused (known user: {KnownUser})")]
    public static partial void LoginFailed(ILogger logger, string name, string remote, bool knownUser);

    [LoggerMessage(EventId = 82, Level = LogLevel.Warning, Message = "Access: too many failed logins as {Name}; the name is locked until {Until} (Hub:Access:Lockout)")]
    public static partial void LoginLockedOut(ILogger logger, string name, DateTimeOffset until);

    [LoggerMessage(EventId = 83, Level = LogLevel.Warning, Message = "Access: login as {Name} from {Remote} refused: the name is locked until {Until}")]
    public static partial void LoginWhileLocked(ILogger logger, string name, string remote, DateTimeOffset until);

    [LoggerMessage(EventId = 84, Level = LogLevel.Information, Message = "Access: {Name} signed out")]
    public static partial void LoggedOut(ILogger logger, string name);

    [LoggerMessage(EventId = 85, Level = LogLevel.Warning, Message = "Access: {Method} {Path}: bearer token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 86, Level = LogLevel.Warning, Message = "Access: {Method} {Path} by {Name}: refused, no valid antiforgery token ({Reason})")]
    public static partial void CsrfRefused(ILogger logger, string method, string path, string name, string reason);

    [LoggerMessage(EventId = 87, Level = LogLevel.Information, Message = "Access: {Method} {Path} by {Name} ({Role}) refused: it needs {Policy}")]
    public static partial void AccessDenied(ILogger logger, string method, string path, string name, string role, string policy);

    [LoggerMessage(EventId = 88, Level = LogLevel.Information, Message = "Access: sign-in through the identity provider {Authority} is on (client {ClientId}, roles from claim {RoleClaim})")]
    public static partial void OidcEnabled(ILogger logger, string authority, string clientId, string roleClaim);

    [LoggerMessage(EventId = 89, Level = LogLevel.Warning, Message = "Access: {Detail}")]
    public static partial void AccessWarning(ILogger logger, string detail);
}
