using Mesh.Hub.Storage;

namespace Mesh.Hub;

/// <summary>Settings of the hub, bound from the configuration section <c>Hub</c>.</summary>
public sealed record HubOptions
{
    public const string SectionName = "Hub";

    /// <summary>
    /// Where the hub listens: gRPC and the JSON API over HTTP/2 cleartext (prior knowledge, h2c). Must be
    /// <c>http://</c> on a loopback address (127.0.0.1, [::1] or localhost); port 0 lets the OS pick one.
    /// Default <c>http://127.0.0.1:5080</c>. Kestrel cannot offer HTTP/1.1 and HTTP/2 on one cleartext port
    /// (without TLS there is no ALPN, and it downgrades such an endpoint to HTTP/1.1), so HTTP/1.1 clients
    /// (browsers, plain curl) use <see cref="ApiUrl"/>.
    /// </summary>
    public string Url { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Optional second endpoint serving the JSON API and <c>/healthz</c> over HTTP/1.1, for browsers
    /// and clients without HTTP/2 prior knowledge; same rules as <see cref="Url"/>. Default: none.</summary>
    public string? ApiUrl { get; init; }

    /// <summary>The SQLite file holding nodes and audit records when <c>Hub:Store:Provider</c> is <c>sqlite</c>; created
    /// with its folder when missing. Relative paths are resolved against the current directory. Default <c>data/hub.db</c>.</summary>
    public string DataPath { get; init; } = "data/hub.db";

    /// <summary>Most records accepted in one <c>AuditBatch</c>; a bigger batch is refused whole. Default 1000.</summary>
    public int MaxBatchRecords { get; init; } = 1000;

    /// <summary>Largest gRPC message accepted, in bytes. Default 16 MiB.</summary>
    public int MaxReceiveMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Messages (policy activations, decisions) queued per <c>NodeControl.Watch</c> stream for a node
    /// that reads slowly. When its queue is full the hub ends that stream with <c>ResourceExhausted</c>, so
    /// one slow node never holds up the others; it reconnects and gets a fresh snapshot. Default 64.</summary>
    public int WatchQueueCapacity { get; init; } = 64;

    /// <summary>Most <c>AuditSync</c> streams served at once. Beyond it a new stream is refused at once with
    /// <c>ResourceExhausted</c> and a <c>retry-after-ms</c> trailer (<see cref="SyncRetryAfter"/>, jittered), so a fleet
    /// returning from an outage queues at the nodes instead of overloading the hub. A node replacing its own stream is
    /// always let in. Default 256.</summary>
    public int MaxSyncStreams { get; init; } = 256;

    /// <summary>The wait a shed stream is told to take before it tries again; each refusal names a random 50–150 % of
    /// it, so the shed nodes do not all return together. Default 2 s.</summary>
    public TimeSpan SyncRetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Which database holds the hub's state (section <c>Hub:Store</c>): the embedded SQLite file (default) or
    /// PostgreSQL.</summary>
    public HubStoreOptions Store { get; init; } = new();

    /// <summary>Users, API tokens, lockout and the identity provider (section <c>Hub:Access</c>, docs/ACCESS.md).</summary>
    public Access.AccessOptions Access { get; init; } = new();

    /// <summary>The CA, enrollment and the mutual-TLS endpoint for nodes (section <c>Hub:Enrollment</c>, docs/SECURITY.md).</summary>
    public Enrollment.EnrollmentOptions Enrollment { get; init; } = new();

    /// <summary>Audit sync over NATS JetStream (section <c>Hub:Nats</c>, docs/NATS.md); off while its <c>Url</c> is empty.</summary>
    public NatsHubOptions Nats { get; init; } = new();
}

/// <summary>
/// The hub's consumer of the <c>MESH_AUDIT_&lt;site&gt;</c> streams nodes publish their journals to (section <c>Hub:Nats</c>).
/// It finds the streams (and new ones later), keeps one durable pull consumer on each, and acknowledges a record only
/// after the store committed it.
/// </summary>
public sealed record NatsHubOptions
{
    public const string SectionName = "Hub:Nats";

    /// <summary>The NATS server, e.g. <c>nats://127.0.0.1:4222</c> (several: comma-separated). Empty (default): off.</summary>
    public string Url { get; init; } = "";

    /// <summary>JetStream domains of leaf nodes whose streams the hub consumes too, through that server
    /// (<c>$JS.&lt;domain&gt;.API</c>), besides the server's own. Default none.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>Name of the hub's durable consumer on each stream. Default <c>mesh-hub</c>.</summary>
    public string Durable { get; init; } = "mesh-hub";

    /// <summary>About the most records taken in one fetch: it asks for as many messages as hold this many records, judged
    /// by the records per message of the last fetch (a batch message holds several, an old one-record message one), and
    /// never for more than this many messages. They are stored in transactions of at most <c>Hub:MaxBatchRecords</c>.
    /// Default 1000.</summary>
    public int FetchBatch { get; init; } = 1000;

    /// <summary>Longest a fetch waits for messages; also bounds how long a stopping hub waits for one. Default 1 s.</summary>
    public TimeSpan FetchWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most messages delivered and not yet acknowledged per stream (records held back by a gap count too). Default 20000.</summary>
    public int MaxAckPending { get; init; } = 20_000;

    /// <summary>How long the server waits for an acknowledgement before delivering a message again. Default 30 s.</summary>
    public TimeSpan AckWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long records after a missing one wait before they are delivered again. Default 1 s.</summary>
    public TimeSpan GapRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the hub looks for new streams. Default 5 s.</summary>
    public TimeSpan DiscoverInterval { get; init; } = TimeSpan.FromSeconds(5);
}
