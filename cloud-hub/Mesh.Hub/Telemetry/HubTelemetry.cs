using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Mesh.Hub.Sync;

namespace Mesh.Hub.Telemetry;

/// <summary>
/// The hub's metrics (meter <c>Mesh.Hub</c>), scraped at <c>/metrics</c> (docs/OPERATIONS.md): audit records stored and
/// refused, by the reason of the refusal, and the sync streams it serves. Recorded once per batch, never per record.
/// </summary>
public static class HubTelemetry
{
    public const string Name = "Mesh.Hub";

    public static readonly Meter Meter = new(Name, typeof(HubTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly ConcurrentDictionary<object, SyncAdmission> Admissions = new();

    internal static readonly Counter<long> RecordsStored = Meter.CreateCounter<long>(
        "mesh.hub.records.stored", "{record}", "Audit records verified and stored (gRPC and NATS)");

    internal static readonly Counter<long> BatchesStored = Meter.CreateCounter<long>(
        "mesh.hub.batches.stored", "{batch}", "Audit batches that stored new records");

    internal static readonly Counter<long> RecordsRefused = Meter.CreateCounter<long>(
        "mesh.hub.records.refused", "{record}", "Records in batches the hub refused, by problem (gap, fork, bad hash, ...)");

    internal static readonly Counter<long> BatchesRefused = Meter.CreateCounter<long>(
        "mesh.hub.batches.refused", "{batch}", "Batches the hub refused, by problem");

    static HubTelemetry()
    {
        Meter.CreateObservableGauge("mesh.hub.sync.streams", () => Admissions.Values.Select(a => new Measurement<int>(a.Status.ActiveStreams)),
            "{stream}", "AuditSync streams served now");
        Meter.CreateObservableCounter("mesh.hub.sync.shed", () => Admissions.Values.Select(a => new Measurement<long>(a.Status.Shed)),
            "{stream}", "AuditSync streams refused at once because Hub:MaxSyncStreams were served");
    }

    /// <summary>Observes a running hub's sync admission until the returned handle is disposed.</summary>
    public static IDisposable Track(SyncAdmission admission)
    {
        var key = new object();
        Admissions[key] = admission;
        return new Untrack(key);
    }

    internal static void Refused(SyncProblem problem, int records)
    {
        var tag = new KeyValuePair<string, object?>("problem", problem.ToString());
        BatchesRefused.Add(1, tag);
        RecordsRefused.Add(records, tag);
    }

    private sealed class Untrack(object key) : IDisposable
    {
        public void Dispose() => Admissions.TryRemove(key, out _);
    }
}
