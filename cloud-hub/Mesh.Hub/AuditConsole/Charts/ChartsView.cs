using Mesh.Hub.Storage;
using Mesh.Protocol;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.AuditConsole.Charts;

/// <summary>
/// The Charts page's figures over a window ending now, in <see cref="Buckets"/> equal buckets of HLC wall time: readings
/// per second per site (counted in the database), and from the routed decisions (decoded, the newest
/// <see cref="MaxDecisions"/> at most) decision latency percentiles, cost per site and the route mix.
/// </summary>
public sealed record ChartsView(
    TimeSpan Window, long FromMs, long BucketMs,
    IReadOnlyDictionary<string, double[]> ReadingsPerSecond,
    double[][] LatencyMs,
    IReadOnlyDictionary<string, double> CostPerSite,
    IReadOnlyDictionary<string, long[]> RouteMix,
    int DecisionsRead, bool DecisionsCapped)
{
    public const int Buckets = 30;
    public const int MaxDecisions = 20_000;
    public static readonly double[] Percentiles = [50, 95, 99];

    public static ChartsView Read(HubStore store, TimeSpan window, DateTime nowUtc)
    {
        var toMs = new DateTimeOffset(nowUtc, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var fromMs = toMs - (long)window.TotalMilliseconds;
        var bucketMs = Math.Max(1, (long)window.TotalMilliseconds / Buckets);

        var readings = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var c in store.ReadActivity(fromMs, toMs, bucketMs).Where(c => c.Kind == AuditKind.Observation && c.Bucket < Buckets))
        {
            if (!readings.TryGetValue(c.Site, out var series))
                readings[c.Site] = series = new double[Buckets];
            series[c.Bucket] += c.Count / (bucketMs / 1000.0);
        }

        var latencies = Enumerable.Range(0, Buckets).Select(_ => new List<double>()).ToArray();
        var cost = new Dictionary<string, double>(StringComparer.Ordinal);
        var mix = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var read = 0;
        string? cursor = null;
        var filter = new TimelineFilter(Kind: AuditKind.Decision, FromWallMs: fromMs, ToWallMs: toMs);
        do
        {
            var page = store.ReadTimeline(filter, HubStore.MaxTimelinePage, cursor);
            foreach (var row in page.Records)
            {
                read++;
                AuditRecord r;
                try
                {
                    r = AuditRecordCodec.Decode(row.Canonical);
                }
                catch (AuditFormatException)
                {
                    continue; // the Chains page names such a record; a chart just leaves it out
                }
                if (r.Route.Target.Length == 0)
                    continue;
                var bucket = (int)Math.Clamp((row.HlcWallMs - fromMs) / bucketMs, 0, Buckets - 1);
                latencies[bucket].Add(r.Route.LatencyMicros / 1000.0);
                cost[row.Site] = cost.GetValueOrDefault(row.Site) + r.Route.CostMicros / 1_000_000.0;
                if (!mix.TryGetValue(r.Route.Target, out var counts))
                    mix[r.Route.Target] = counts = new long[Buckets];
                counts[bucket]++;
            }
            cursor = page.Next;
        }
        while (cursor is not null && read < MaxDecisions);

        var percentiles = Percentiles.Select(p => latencies.Select(l => Percentile(l, p)).ToArray()).ToArray();
        return new ChartsView(window, fromMs, bucketMs, readings, percentiles, cost, mix, read, cursor is not null);
    }

    /// <summary>Nearest-rank percentile; NaN for an empty bucket (drawn as a gap).</summary>
    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
            return double.NaN;
        values.Sort();
        var rank = (int)Math.Ceiling(p / 100.0 * values.Count);
        return values[Math.Clamp(rank - 1, 0, values.Count - 1)];
    }
}
