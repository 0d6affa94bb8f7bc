using Mesh.Node.Decisions;

namespace Mesh.Node;

/// <summary>Configuration of one node (section <c>Node</c>). Validated at start-up by <see cref="NodeOptionsValidator"/>.</summary>
public sealed record NodeOptions
{
    public const string Section = "Node";

    /// <summary>This node's id, unique in the fleet. Required.</summary>
    public string NodeId { get; init; } = "";

    /// <summary>The site this node serves; telemetry for other sites is refused. Required.</summary>
    public string Site { get; init; } = "";

    /// <summary>Where the node keeps its state (<c>state.db</c>) and audit journal (<c>audit.db</c>). Default <c>data</c>.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>The hardware profile id recorded in every route. Default <c>generic-x64-cpu</c>.</summary>
    public string Profile { get; init; } = "generic-x64-cpu";

    public MqttOptions Mqtt { get; init; } = new();

    /// <summary>Device credentials and topic ACLs of the embedded broker (section <c>Node:Devices</c>).</summary>
    public DeviceAccessOptions Devices { get; init; } = new();

    public IngestOptions Ingest { get; init; } = new();

    public SyncOptions Sync { get; init; } = new();

    /// <summary>Enrollment at start and certificate renewal (section <c>Node:Enrollment</c>).</summary>
    public NodeEnrollmentOptions Enrollment { get; init; } = new();

    public JournalOptions Journal { get; init; } = new();

    /// <summary>Threshold rules applied by the decision core. None configured: <see cref="ThresholdRule.DefaultCooling"/>
    /// (temperature above 30 → cooling-on, below 29 → cooling-off).</summary>
    public IReadOnlyList<ThresholdRule> Rules { get; init; } = [];

    public IReadOnlyList<ThresholdRule> EffectiveRules => Rules.Count > 0 ? Rules : [ThresholdRule.DefaultCooling];

    /// <summary>Where the site policy comes from besides the hub. Without a file or hub policy, the node runs
    /// <see cref="Rules"/> as its built-in policy (the hub lists it as version 0).</summary>
    public PolicyOptions Policy { get; init; } = new();

    public ApprovalOptions Approvals { get; init; } = new();

    /// <summary>Models, hardware profile, offload peers and the Inference service (section <c>Node:Inference</c>).</summary>
    public InferenceOptions Inference { get; init; } = new();

    /// <summary>Where the node serves <c>/healthz</c> and <c>/status</c> over HTTP/1.1, e.g. <c>http://127.0.0.1:5090</c>.
    /// Empty (default): not served.</summary>
    public string StatusUrl { get; init; } = "";

    /// <summary>Where the node's spans go (section <c>Node:Telemetry</c>); off by default.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>The site's cluster of nodes (section <c>Node:Cluster</c>); off by default.</summary>
    public SiteClusterOptions Cluster { get; init; } = new();

    /// <summary>Attributes of devices, by device id, that policy groups can match (<c>Node:DeviceAttributes:fridge-1:kind=fridge</c>).</summary>
    public Dictionary<string, Dictionary<string, string>> DeviceAttributes { get; init; } = [];
}

/// <summary>Trace export (section <c>Node:Telemetry</c>); metrics are scraped at <c>/metrics</c> on <see cref="NodeOptions.StatusUrl"/>.</summary>
public sealed record TelemetryOptions
{
    /// <summary>An OpenTelemetry collector's OTLP/HTTP address, e.g. <c>http://127.0.0.1:4318</c>: the node sends the spans of
    /// its readings there (protobuf, to <c>/v1/traces</c>). Empty (default): no spans leave the process.</summary>
    public string OtlpEndpoint { get; init; } = "";

    /// <summary>The share of readings traced, within 0..1. Default 0.1: one reading in ten.</summary>
    public double TraceSampleRatio { get; init; } = 0.1;
}

public sealed record ApprovalOptions
{
    /// <summary>The site token: a person at the site who knows it may decide approvals at the node while the hub is
    /// unreachable (policy <c>offline: approve_locally</c>, <c>mesh approvals approve --node-mqtt</c>). At least 16
    /// characters; keep it secret. Empty: the node accepts no local decisions.</summary>
    public string SiteToken { get; init; } = "";

    /// <summary>How far a local decision's time may be from the node's clock (replay protection). Default 5 min.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);
}

public sealed record PolicyOptions
{
    /// <summary>A local policy file (offline installs); reloaded when it changes. The newer version of it and the hub's wins. Empty: none.</summary>
    public string File { get; init; } = "";

    /// <summary>How often the file is checked for changes. Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>Which MQTT broker the node ingests from (section <c>Node:Mqtt</c>).</summary>
public sealed record MqttOptions
{
    /// <summary><c>Embedded</c> (default): the node runs its own MQTTnet broker. <c>External</c>: it subscribes to another broker.</summary>
    public MqttMode Mode { get; init; } = MqttMode.Embedded;

    /// <summary>Embedded: address to bind (default 127.0.0.1). External: broker host.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Embedded: port to listen on (0 = any free port). External: broker port. Default 1883.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>External: client id of the node's persistent session. Default <c>mesh-node-&lt;NodeId&gt;</c>.</summary>
    public string? ClientId { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }
}

public enum MqttMode
{
    Embedded,
    External,
}

/// <summary>Limits on device input (section <c>Node:Ingest</c>).</summary>
public sealed record IngestOptions
{
    /// <summary>Largest telemetry payload accepted. Default 8 KiB.</summary>
    public int MaxPayloadBytes { get; init; } = 8 * 1024;

    /// <summary>How far a reading's timestamp may be ahead of the node's clock. Default 5 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most metrics in one reading. Default 64.</summary>
    public int MaxMetrics { get; init; } = 64;

    /// <summary>How long a reading may wait for its device agent to record it before the node gives up on it (does not
    /// acknowledge; the device sends it again). On a multi-node site a reading forwarded to a member that just died is
    /// lost in transit: this bounds how long its device waits before the resend reaches the new owner. Default 10 s.</summary>
    public TimeSpan DecisionTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Audit sync to the hub (section <c>Node:Sync</c>).</summary>
public sealed record SyncOptions
{
    /// <summary>The hub's gRPC address: the audit stream (with <c>Transport=Grpc</c>) and the control stream (policies,
    /// approvals). <c>https://…</c> (the hub's <c>Hub:Enrollment:Url</c>) runs them over mutual TLS with the node's enrolled
    /// certificate (docs/SECURITY.md); <c>http://…</c> is cleartext, which only a hub with
    /// <c>Hub:Enrollment:PlaintextNodes</c> accepts. Empty: neither (with gRPC the backlog waits on disk).</summary>
    public string HubUrl { get; init; } = "";

    /// <summary>How the journal reaches the hub: <c>Grpc</c> (default) streams it to <see cref="HubUrl"/>; <c>Nats</c>
    /// publishes it to JetStream at <see cref="NatsUrl"/> (docs/NATS.md).</summary>
    public SyncTransport Transport { get; init; } = SyncTransport.Grpc;

    /// <summary>With <c>Transport=Nats</c> (required then): the NATS server, e.g. <c>nats://127.0.0.1:4222</c>, usually
    /// the site's leaf node; several may be given separated by commas.</summary>
    public string NatsUrl { get; init; } = "";

    /// <summary>With <c>Transport=Nats</c>: how long the site's stream keeps records, when this node is the one that
    /// creates it. Must outlast the longest hub outage. Default 7 days.</summary>
    public TimeSpan NatsMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>With <c>Transport=Nats</c>: most records in one JetStream message (consecutive records in one protobuf
    /// <c>AuditBatch</c>, docs/NATS.md); a message also stays below 512 KiB. Within 1..1000. Default 250 (a divisor of the journal read, BatchSize, and of the hub's fetch and transaction size, 1000 by default).</summary>
    public int NatsRecordsPerMessage { get; init; } = 250;

    /// <summary>Most records in one batch (with NATS: read from the journal at once). Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Batches sent ahead of the hub's acknowledgement (with NATS: <see cref="BatchSize"/> × this many
    /// publishes await their JetStream acknowledgement). Default 4.</summary>
    public int MaxBatchesInFlight { get; init; } = 4;

    /// <summary>First reconnect delay; doubles with jitter up to <see cref="MaxBackoff"/>. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest reconnect delay. Default 10 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first reconnect after a failure waits <see cref="InitialBackoff"/> plus a random share of this, so
    /// that nodes cut off together (a hub restart, a WAN outage) do not all return at once. 0 = no spread. Default 3 s.</summary>
    public TimeSpan ReconnectJitter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Most records per second sent while catching up on a backlog (live records at the head are not paced),
    /// so a fleet returning from an outage does not swamp the hub (the hub's admission limit, <c>Hub:MaxSyncStreams</c>,
    /// bounds how many catch up at once). 0 = unlimited. Default 200,000: above what one hub stores per second, so a node
    /// alone drains at the hub's pace.</summary>
    public int MaxCatchUpRecordsPerSecond { get; init; } = 200_000;

    /// <summary>How often the node exchanges site-state deltas (modes, alarms, budget, commands) with the hub; each
    /// round waits 0.5 to 1.5 times this. Default 1 s.</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>How a node ships its audit journal to the hub (<c>Node:Sync:Transport</c>).</summary>
public enum SyncTransport
{
    /// <summary>The <c>AuditSync</c> gRPC stream to <c>Node:Sync:HubUrl</c>.</summary>
    Grpc,

    /// <summary>JetStream at <c>Node:Sync:NatsUrl</c>, runs of records in one message each; the hub consumes the site's stream.</summary>
    Nats,
}

/// <summary>The audit journal writer (section <c>Node:Journal</c>).</summary>
public sealed record JournalOptions
{
    /// <summary>Most records committed in one transaction (group commit). Default 4096.</summary>
    public int MaxBatchRecords { get; init; } = 4096;

    /// <summary>Readings a device agent remembers for redelivery (re-submits their records if the journal lacks them). Default 64.</summary>
    public int RedeliveryWindow { get; init; } = 64;

    /// <summary>Device-agent events between snapshots. Default 1000.</summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>Disk the journal may use (<c>audit.db</c>'s pages in use; the write-ahead log adds at most a quarter of it, 4 MiB
    /// at most). Near it, records
    /// the hub acknowledged are pruned, oldest first; when the unacknowledged backlog alone fills it, the node stops
    /// acknowledging readings (a <c>BacklogFull</c> record says so) until the hub acknowledges and pruning frees space
    /// (<c>BacklogResumed</c>). Nothing acknowledged is ever dropped. 0 = unlimited. At least 1 MiB. Default 1 GiB.</summary>
    public long DiskBudgetBytes { get; init; } = 1L << 30;

    /// <summary>The smallest non-zero <see cref="DiskBudgetBytes"/>.</summary>
    public const long MinDiskBudgetBytes = 1L << 20;

    /// <summary>Sign the chain with the node's key (<c>&lt;data&gt;/identity/node.key</c>) in <c>Checkpoint</c> records, so that a
    /// rewritten or replaced journal is detected (docs/SECURITY.md). Default true.</summary>
    public bool SignCheckpoints { get; init; } = true;

    /// <summary>A checkpoint follows at the latest this many records after the previous one (in the same transaction as
    /// the record that reaches it): the node never leaves more unsigned. 1..100000. Default 1000.</summary>
    public int CheckpointEveryRecords { get; init; } = 1000;

    /// <summary>A checkpoint is written this long after the previous one when anything was written since, and at clean
    /// shutdown. 00:00:00.1..01:00:00. Default 10 s.</summary>
    public TimeSpan CheckpointEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What the node does when it finds its journal damaged at start. Default <see cref="JournalDamage.Rebuild"/>.</summary>
    public JournalDamage OnDamage { get; init; } = JournalDamage.Rebuild;
}

/// <summary><c>Node:Journal:OnDamage</c> (docs/RELIABILITY.md, "A damaged journal").</summary>
public enum JournalDamage
{
    /// <summary>Rebuild it from what still reads and verifies and from what the hub holds, keep the damaged file beside it,
    /// record <c>JournalRecovered</c>, and start. Without the hub in reach the node does not start, and tries again next time.</summary>
    Rebuild,

    /// <summary>Do not start: an operator looks first.</summary>
    Refuse,
}
