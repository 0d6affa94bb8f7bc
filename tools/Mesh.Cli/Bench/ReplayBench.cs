using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Mesh.Cli.Audit;
using Mesh.Node;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Node.Replay;
using Mesh.Protocol;
using Mesh.Protocol.Policy;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench replay</c>: writes a journal of N readings decided under a policy (as a node would, without
/// MQTT), then replays it the way <c>mesh replay --journal</c> does — read, verify the chain, decide again,
/// compare — and reports readings replayed per second. A replay that diverges fails the benchmark.
/// </summary>
public static class ReplayBench
{
    public static Command Command()
    {
        var readings = new Option<int>("--readings") { Description = "Readings in the journal", DefaultValueFactory = _ => 500_000 };
        var devices = new Option<int>("--devices") { Description = "Devices the readings come from", DefaultValueFactory = _ => 1000 };
        var policy = new Option<FileInfo?>("--policy") { Description = "Policy the readings are decided under (site site-a); default: the built-in single rule" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var command = new Command("replay", "Replay throughput: decisions re-run per second over a recorded journal") { readings, devices, policy, json };
        command.SetAction(async (r, ct) =>
        {
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            var result = await RunAsync(r.GetValue(readings), r.GetValue(devices), r.GetValue(policy), say, ct).ConfigureAwait(false);
            if (result is null)
                return ExitCodes.Failure;
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !asJson }));
            return result.divergences == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<ReplayBenchResult?> RunAsync(int readings, int devices, FileInfo? policyFile, Action<string> say, CancellationToken ct)
    {
        SitePolicy policy;
        if (policyFile is null)
        {
            policy = BuiltInPolicy.For("site-a", [ThresholdRule.DefaultCooling]);
        }
        else
        {
            var parsed = PolicyLoader.LoadFile(policyFile.FullName);
            if (parsed.Policy is not { } p)
            {
                foreach (var e in parsed.Errors)
                    Console.Error.WriteLine(e.ToString());
                return null;
            }
            if (p.Site != "site-a")
            {
                Console.Error.WriteLine($"{policyFile.FullName}: the benchmark's node serves site-a, but the policy is for '{p.Site}'");
                return null;
            }
            policy = p;
        }
        var dir = Path.Combine(Path.GetTempPath(), "mesh-bench-replay-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, AuditJournalStore.FileName);
            var active = new ActivePolicy(policy, policyFile is null ? PolicySource.BuiltIn : new PolicySource("file", policyFile.FullName));
            var written = Stopwatch.StartNew();
            var decisions = await WriteJournalAsync(path, active, readings, devices, say, ct).ConfigureAwait(false);
            say($"journal written: {readings:N0} readings, {decisions:N0} rule decisions in {written.Elapsed.TotalSeconds:F1} s; replaying…");

            // As 'mesh replay --journal': read, verify the chain, decide again, compare.
            var engine = new ReplayEngine();
            var clock = Stopwatch.StartNew();
            var chain = AuditChainChecker.VerifyJournalFile(path, "bench-node", new ProgressLines(say), ct, engine.Feed);
            var report = engine.Finish();
            clock.Stop();
            if (!chain.Ok)
                say(chain.Describe());

            // The replay engine alone (decide again and compare), on records decoded beforehand.
            say("timing the replay engine alone on decoded records…");
            var records = ReadAll(path);
            // Settle the heap first, so the run is not charged for collecting what reading the records allocated.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var alone = new ReplayEngine();
            var engineClock = Stopwatch.StartNew();
            foreach (var r in records)
                alone.Feed(r);
            var engineReport = alone.Finish();
            engineClock.Stop();
            return new ReplayBenchResult(readings, report.Decisions, report.Records, clock.Elapsed.TotalSeconds,
                report.Readings / clock.Elapsed.TotalSeconds, report.Records / clock.Elapsed.TotalSeconds,
                engineReport.Readings / engineClock.Elapsed.TotalSeconds,
                report.Divergences.Count + report.Problems.Count + engineReport.Divergences.Count + engineReport.Problems.Count + (chain.Ok ? 0 : 1),
                policy.Rules.Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Decides readings with the core, as the agents would, and journals their records in large group commits.</summary>
    private static async Task<long> WriteJournalAsync(string path, ActivePolicy active, int readings, int devices, Action<string> say, CancellationToken ct)
    {
        await using var journal = new AuditJournal(path, "bench-node", "site-a", new HybridLogicalClock("bench-node"),
            new JournalOptions { MaxBatchRecords = 20_000 }, NullLogger<AuditJournal>.Instance);
        await journal.AppendAsync([PolicyDrafts.Activated(active)]).ConfigureAwait(false);
        var states = new DeviceState[devices];
        Array.Fill(states, DeviceState.Empty);
        var start = DateTimeOffset.Parse("2026-11-23T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var pending = new List<Task>();
        long decisions = 0;
        for (var i = 0; i < readings; i++)
        {
            ct.ThrowIfCancellationRequested();
            var d = i % devices;
            var seq = i / devices + 1;
            var device = $"dev-{d + 1:D4}";
            var t = 26 + 6 * Math.Sin(seq / (8.0 + d % 17)) + (d % 7) * 0.1;
            var h = 45 + 14 * Math.Sin(seq / (19.0 + d % 11));
            var o = new Observation(new SiteId("site-a"), new DeviceId(device), seq, start.AddMilliseconds(200L * seq),
                [new Metric("humidity", Math.Round(h, 2)), new Metric("temperature", Math.Round(t, 2))]);
            var evt = DecisionCore.Decide(states[d], o, active.For(device), InferenceResults.None, "00000000000000000000000000000000").Event!;
            states[d] = states[d].Apply(evt, 1);
            decisions += evt.Fired.Count;
            pending.Add(journal.AppendAsync(AuditDrafts.ForReading(device, evt, "generic-x64-cpu")));
            if (pending.Count == 10_000)
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
                pending.Clear();
                if ((i + 1) % 200_000 == 0)
                    say($"  {i + 1:N0} readings journaled…");
            }
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        return decisions;
    }

    private static List<Mesh.Protocol.Audit.AuditRecord> ReadAll(string path)
    {
        using var reader = AuditJournalStore.OpenReader(path);
        var records = new List<Mesh.Protocol.Audit.AuditRecord>();
        long after = 0;
        while (AuditJournalStore.ReadAfter(reader, after, 10_000) is { Count: > 0 } rows)
        {
            foreach (var row in rows)
                records.Add(Mesh.Protocol.Audit.AuditRecordCodec.Decode(row.Canonical) with { Hash = row.Hash });
            after = rows[^1].Seq;
        }
        return records;
    }

    private sealed class ProgressLines(Action<string> say) : IProgress<ChainCheckProgress>
    {
        public void Report(ChainCheckProgress value)
        {
            if (value.Verified % 500_000 == 0)
                say($"  {value.Verified:N0} records replayed…");
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "JSON names")]
    private sealed record ReplayBenchResult(long readings, long decisions, long records, double seconds, double readings_per_sec,
        double records_per_sec, double engine_readings_per_sec, long divergences, int rules);
}
