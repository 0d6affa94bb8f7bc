using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Mesh.Node;
using Mesh.Node.Audit;
using Mesh.Node.Identity;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench journal</c>: what signed checkpoints cost the audit journal. Appends the same records twice to a fresh
/// journal, with checkpoints off and on (signed every <c>--checkpoint-every</c> records with a node key), from many
/// concurrent appenders as device agents append (group commit), and reports records/s of each (best of two runs each,
/// in the order off, on, on, off, after a warm-up).
/// </summary>
public static class JournalBench
{
    private const string NodeId = "bench-node";

    public static Command Command()
    {
        var records = new Option<int>("--records") { Description = "Records appended per run", DefaultValueFactory = _ => 200_000 };
        var perAppend = new Option<int>("--per-append") { Description = "Records per append (a reading writes 2-3)", DefaultValueFactory = _ => 2 };
        var appenders = new Option<int>("--appenders") { Description = "Concurrent appenders (device agents)", DefaultValueFactory = _ => 64 };
        var every = new Option<int>("--checkpoint-every") { Description = "Node:Journal:CheckpointEveryRecords for the run with checkpoints", DefaultValueFactory = _ => new JournalOptions().CheckpointEveryRecords };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var command = new Command("journal", "Audit journal append throughput with signed checkpoints off and on") { records, perAppend, appenders, every, json };
        command.SetAction(async (r, ct) =>
        {
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            var n = r.GetValue(records);
            var per = r.GetValue(perAppend);
            var concurrency = r.GetValue(appenders);
            if (n < 1 || per < 1 || concurrency < 1 || r.GetValue(every) is < 1 or > 100_000)
            {
                Console.Error.WriteLine("--records, --per-append and --appenders must be at least 1; --checkpoint-every within 1..100000");
                return ExitCodes.Usage;
            }
            // A short run of each first, so neither measured run pays for JIT; then each mode twice in the order off, on, on, off (so
            // neither gains from going later), best kept.
            await RunAsync(Math.Max(1, n / 10), per, concurrency, null, _ => { }, ct).ConfigureAwait(false);
            await RunAsync(Math.Max(1, n / 10), per, concurrency, r.GetValue(every), _ => { }, ct).ConfigureAwait(false);
            var off = await RunAsync(n, per, concurrency, null, say, ct).ConfigureAwait(false);
            var on = await RunAsync(n, per, concurrency, r.GetValue(every), say, ct).ConfigureAwait(false);
            var on2 = await RunAsync(n, per, concurrency, r.GetValue(every), say, ct).ConfigureAwait(false);
            var off2 = await RunAsync(n, per, concurrency, null, say, ct).ConfigureAwait(false);
            off = off.RecordsPerSecond >= off2.RecordsPerSecond ? off : off2;
            on = on.RecordsPerSecond >= on2.RecordsPerSecond ? on : on2;
            var result = new JournalBenchResult(n, per, concurrency, r.GetValue(every), off.RecordsPerSecond, on.RecordsPerSecond, on.Checkpoints,
                Math.Round(100 * (1 - on.RecordsPerSecond / off.RecordsPerSecond), 1));
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !asJson }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<(double RecordsPerSecond, long Checkpoints)> RunAsync(int records, int perAppend, int appenders, int? checkpointEvery,
        Action<string> say, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mesh-bench-journal-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            using var key = checkpointEvery is null ? null : NodeKey.LoadOrCreate(dir);
            var path = Path.Combine(dir, AuditJournalStore.FileName);
            var options = new JournalOptions { CheckpointEveryRecords = checkpointEvery ?? 1000, DiskBudgetBytes = 0 };
            var clock = Stopwatch.StartNew();
            await using (var journal = new AuditJournal(path, NodeId, "site-a", new HybridLogicalClock(NodeId), options, NullLogger<AuditJournal>.Instance, key))
            {
                var next = 0;
                var workers = Enumerable.Range(0, appenders).Select(async _ =>
                {
                    int from;
                    while ((from = Interlocked.Add(ref next, perAppend) - perAppend) < records)
                    {
                        ct.ThrowIfCancellationRequested();
                        var drafts = Enumerable.Range(from, Math.Min(perAppend, records - from))
                            .Select(i => new AuditDraft(AuditKind.Observation, $"dev-{i % 1000}", $"dev-{i % 1000}#{i}", new byte[32], AuditRoute.None,
                                "site-a@v1", "", "", "accepted", $"{{\"temperature\":{20 + i % 15}}}"))
                            .ToList();
                        await journal.AppendAsync(drafts).ConfigureAwait(false);
                    }
                });
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            using var c = AuditJournalStore.OpenReader(path);
            var checkpoints = AuditJournalStore.Count(c, AuditKind.Checkpoint);
            say($"checkpoints {(checkpointEvery is null ? "off" : $"every {checkpointEvery}")}: {records:N0} records in {seconds:F2} s ({records / seconds:N0}/s), {checkpoints} checkpoint(s)");
            return (Math.Round(records / seconds), checkpoints);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record JournalBenchResult(int records, int per_append, int appenders, int checkpoint_every,
        double records_per_s_checkpoints_off, double records_per_s_checkpoints_on, long checkpoints, double cost_percent);
}
