using System.Diagnostics;
using System.Globalization;
using Mesh.Hub.Storage;
using Mesh.Protocol.Audit;

namespace Mesh.Cli.Bench;

internal static partial class TimelineBench
{
    private static readonly string[] Shapes = ["all", "site", "node", "device", "kind", "site+kind", "site+hour", "node+hour"];

    /// <summary>Each listing picks a filter shape in turn and random values (seeded: runs compare), reads its first page
    /// and follows the cursor 0-4 more pages; every page read is one sample.</summary>
    private static void Measure(HubStore store, Options options, CancellationToken ct)
    {
        var random = new Random(20261124);
        var perNode = (options.Records + options.Nodes - 1) / options.Nodes;
        var samples = Shapes.ToDictionary(s => s, _ => new List<double>());
        var rows = 0L;
        for (var i = 0; i < options.Queries; i++)
        {
            ct.ThrowIfCancellationRequested();
            var shape = Shapes[i % Shapes.Length];
            var node = random.Next(options.Nodes);
            var hourStart = Wall(0, random.NextInt64(1, Math.Max(2, perNode - 3600)));
            var filter = shape switch
            {
                "all" => new TimelineFilter(),
                "site" => new TimelineFilter(Site: options.Site(node)),
                "node" => new TimelineFilter(NodeId: options.Node(node)),
                "device" => new TimelineFilter(Device: Device(options, node, random.Next(options.DevicesPerNode))),
                "kind" => new TimelineFilter(Kind: AuditKind.Rejected),
                "site+kind" => new TimelineFilter(Site: options.Site(node), Kind: AuditKind.Action),
                "site+hour" => new TimelineFilter(Site: options.Site(node), FromWallMs: hourStart, ToWallMs: hourStart + 3_600_000),
                _ => new TimelineFilter(NodeId: options.Node(node), FromWallMs: hourStart, ToWallMs: hourStart + 3_600_000),
            };
            string? cursor = null;
            var pages = random.Next(1, 6);
            for (var p = 0; p < pages; p++)
            {
                var clock = Stopwatch.StartNew();
                var page = store.ReadTimeline(filter, options.Limit, cursor);
                samples[shape].Add(clock.Elapsed.TotalMilliseconds);
                rows += page.Records.Count;
                cursor = page.Next;
                if (cursor is null)
                    break;
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timeline: {options.Queries} listings, {samples.Values.Sum(s => s.Count)} pages of up to {options.Limit}, {rows:N0} records read"));
        Console.WriteLine("  filter        pages     p50 ms    p95 ms    p99 ms    max ms");
        foreach (var (shape, list) in samples.Append(KeyValuePair.Create("all shapes", samples.Values.SelectMany(s => s).ToList())))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {shape,-12} {list.Count,6} {Percentile(list, 50),10:F2}{Percentile(list, 95),10:F2}{Percentile(list, 99),10:F2}{(list.Count == 0 ? 0 : list.Max()),10:F2}"));
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }
}
