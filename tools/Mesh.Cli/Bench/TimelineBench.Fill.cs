using System.Diagnostics;
using System.Globalization;
using Mesh.Hub.Storage;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;

namespace Mesh.Cli.Bench;

internal static partial class TimelineBench
{
    private const int Batch = 1000;

    /// <summary>Round-robin over the nodes, one 1,000-record transaction each, so every node's chain covers the same span
    /// of time and the sites interleave as a fleet's would. Record k of a node has HLC wall BaseWall + k·1000 ms + node,
    /// so the whole fill spans perNode·1000 ms; kinds are 80 % observations, 10 % decisions, 7 % actions, 3 % rejections.</summary>
    private static void Fill(HubStore store, Options options, CancellationToken ct)
    {
        var perNode = (options.Records + options.Nodes - 1) / options.Nodes;
        var held = Enumerable.Range(0, options.Nodes).Sum(n => Math.Min(perNode, store.FindNode(options.Node(n))?.LastSeq ?? 0));
        var total = perNode * options.Nodes;
        Console.WriteLine($"fill: {options.Nodes} nodes in {options.Sites} sites, {perNode:N0} records each ({total:N0}); {held:N0} already stored");
        var clock = Stopwatch.StartNew();
        var added = 0L;
        var nextReport = total / 50;
        for (var round = 0L; round * Batch < perNode; round++)
        {
            for (var n = 0; n < options.Nodes; n++)
            {
                ct.ThrowIfCancellationRequested();
                var node = store.FindNode(options.Node(n));
                var from = (node?.LastSeq ?? 0) + 1;
                var to = Math.Min(perNode, (round + 1) * Batch);
                if (from > to)
                    continue;
                var head = node is null ? new ChainHead(0, AuditRecordCodec.GenesisHash) : new ChainHead(node.LastSeq, node.LastHash);
                var batch = MakeBatch(options, n, from, to, head.Hash);
                store.Append(options.Node(n), options.Site(n), head, batch, to, DateTime.UtcNow);
                added += batch.Count;
                if (held + added >= nextReport)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {held + added:N0} of {total:N0} ({100.0 * (held + added) / total:F0} %), {added / clock.Elapsed.TotalSeconds:N0} records/s"));
                    nextReport += total / 50;
                }
            }
        }
        if (added > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fill: stored {added:N0} records in {clock.Elapsed.TotalSeconds:N0} s ({added / clock.Elapsed.TotalSeconds:N0} records/s, 1,000 per transaction)"));
    }

    private static List<RecordToStore> MakeBatch(Options options, int node, long from, long to, ReadOnlyMemory<byte> previous)
    {
        var nodeId = options.Node(node);
        var batch = new List<RecordToStore>((int)(to - from + 1));
        for (var seq = from; seq <= to; seq++)
        {
            var device = Device(options, node, seq);
            var wall = Wall(node, seq);
            var record = new AuditRecord
            {
                Sequence = seq,
                Kind = KindOf(seq),
                Hlc = new HlcTimestamp(wall, 0, nodeId),
                NodeId = nodeId,
                Site = options.Site(node),
                Device = device,
                MessageKey = string.Create(CultureInfo.InvariantCulture, $"{device}#{seq}"),
                Outcome = "accepted",
                Body = string.Create(CultureInfo.InvariantCulture, $"{{\"seq\":{seq},\"temperature\":{20 + seq % 13}.25}}"),
                PreviousHash = previous,
            };
            var canonical = AuditRecordCodec.Encode(record);
            record = record with { Hash = AuditRecordCodec.ComputeHash(canonical) };
            batch.Add(new RecordToStore(record, canonical));
            previous = record.Hash;
        }
        return batch;
    }

    private static string Device(Options options, int node, long seq) =>
        string.Create(CultureInfo.InvariantCulture, $"dev-{node * options.DevicesPerNode + seq % options.DevicesPerNode:D6}");

    private static long Wall(int node, long seq) => BaseWall + seq * 1000 + node;

    private static AuditKind KindOf(long seq) => (seq * 7919 % 100) switch
    {
        < 80 => AuditKind.Observation,
        < 90 => AuditKind.Decision,
        < 97 => AuditKind.Action,
        _ => AuditKind.Rejected,
    };
}
