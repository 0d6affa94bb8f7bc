using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mesh.Node.Audit;

namespace Mesh.Node.Telemetry;

/// <summary>
/// The node's metrics (meter <c>Mesh.Node</c>) and spans (activity source <c>Mesh.Node</c>), named in docs/OPERATIONS.md.
/// Counters that <see cref="NodeStats"/> already keeps are observed when scraped, so they cost the reading path nothing;
/// only the journal's append latency, sync batches and inference routes are recorded as they happen. Without a listener
/// (no <c>/metrics</c>, no trace exporter) every instrument and span is a no-op. Each measurement carries the node's id:
/// a process may host several nodes (the demo, tests).
/// </summary>
public static class NodeTelemetry
{
    public const string Name = "Mesh.Node";

    private const string NodeTag = "node_id";

    private static readonly string? Version = typeof(NodeTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    private static readonly ConcurrentDictionary<object, Registered> Nodes = new();

    /// <summary>From an append's request to its durable commit: what a reading waits for before its PUBACK.</summary>
    internal static readonly Histogram<double> JournalAppend = Meter.CreateHistogram(
        "mesh.node.journal.append.duration", "s", "Time from an audit journal append to its durable commit (group commit included)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    internal static readonly Counter<long> SyncBatches = Meter.CreateCounter<long>(
        "mesh.node.sync.batches", "{batch}", "Audit batches sent to the hub (gRPC) or published to JetStream (NATS)");

    internal static readonly Counter<long> SyncRecords = Meter.CreateCounter<long>(
        "mesh.node.sync.records", "{record}", "Audit records sent in those batches");

    internal static readonly Counter<long> InferenceRoutes = Meter.CreateCounter<long>(
        "mesh.node.inference.routes", "{route}", "Model runs by the target that answered: local, sitepeer, cloud or deterministic");

    static NodeTelemetry()
    {
        Observe("mesh.node.readings.accepted", "{reading}", "Readings decided and recorded", s => s.Stats.Accepted);
        Observe("mesh.node.readings.duplicate", "{reading}", "Readings received again and recorded once", s => s.Stats.Duplicates);
        Observe("mesh.node.readings.rejected", "{reading}", "Payloads refused (a Rejected record and a dead letter each)", s => s.Stats.Rejected);
        Observe("mesh.node.decisions", "{decision}", "Rules that fired", s => s.Stats.Decisions);
        Observe("mesh.node.actions", "{action}", "Commands sent to devices", s => s.Stats.Actions);
        Observe("mesh.node.sync.failures", "{failure}", "Sync streams that failed and were retried", s => s.Stats.SyncFailures);
        Observe("mesh.node.approvals.requested", "{approval}", "Actions that asked a person", s => s.Stats.ApprovalsRequested);
        Meter.CreateObservableGauge("mesh.node.journal.head", () => Each(s => s.Journal.Head), "{record}", "The journal's last durable sequence");
        Meter.CreateObservableGauge("mesh.node.sync.acked", () => Each(s => s.Stats.HubAcked), "{record}", "The highest sequence the hub acknowledged");
        Meter.CreateObservableGauge("mesh.node.sync.lag", () => Each(s => Math.Max(0, s.Journal.Head - s.Stats.HubAcked)), "{record}",
            "Records in the journal the hub has not acknowledged yet");
        Meter.CreateObservableGauge("mesh.node.journal.used", () => Each(s => s.Journal.UsedBytes), "By",
            "Bytes the journal's pages use (with a disk budget)");
    }

    /// <summary>Makes a running node's counters observable until the returned handle is disposed.</summary>
    public static IDisposable Register(string nodeId, NodeStats stats, AuditJournal journal)
    {
        var key = new object();
        Nodes[key] = new Registered(new KeyValuePair<string, object?>(NodeTag, nodeId), stats, journal);
        return new Unregister(key);
    }

    internal static KeyValuePair<string, object?> Tag(string nodeId) => new(NodeTag, nodeId);

    private static void Observe(string name, string unit, string description, Func<Registered, long> read) =>
        Meter.CreateObservableCounter(name, () => Each(read), unit, description);

    private static IEnumerable<Measurement<long>> Each(Func<Registered, long> read) =>
        Nodes.Values.Select(n => new Measurement<long>(read(n), n.Tag));

    private sealed record Registered(KeyValuePair<string, object?> Tag, NodeStats Stats, AuditJournal Journal);

    private sealed class Unregister(object key) : IDisposable
    {
        public void Dispose() => Nodes.TryRemove(key, out _);
    }
}
