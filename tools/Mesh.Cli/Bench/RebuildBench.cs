using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Hub;
using Mesh.Node;
using Mesh.Node.Audit;
using Mesh.Node.Identity;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench rebuild</c>: how long a node takes to rebuild a damaged journal (<see cref="JournalRecovery"/>). Writes a
/// journal of <c>--records</c> records (signed checkpoints on), syncs it to an in-process hub over gRPC, damages one page
/// of the file (<c>--damage-at</c>: 1 = the last page, 0.5 = the middle one), then rebuilds it twice from the same damaged
/// bytes: reading back from the hub, and without a hub (the verified prefix only).
/// </summary>
public static class RebuildBench
{
    private const string NodeId = "bench-node";
    private const string Site = "site-a";

    public static Command Command()
    {
        var records = new Option<int>("--records") { Description = "Records in the journal", DefaultValueFactory = _ => 200_000 };
        var damageAt = new Option<double>("--damage-at") { Description = "Where the damaged page lies, as a fraction of the file (1 = the last page)", DefaultValueFactory = _ => 1.0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var command = new Command("rebuild", "Time to rebuild a damaged journal, from the hub and without one") { records, damageAt, json };
        command.SetAction(async (r, ct) =>
        {
            var n = r.GetValue(records);
            var at = r.GetValue(damageAt);
            if (n < 1000 || at is < 0 or > 1)
            {
                Console.Error.WriteLine("mesh bench rebuild: --records must be at least 1000 and --damage-at within 0..1");
                return ExitCodes.Usage;
            }
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            var result = await RunAsync(n, at, say, ct).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !asJson }));
            return result.from_hub.head == result.head && result.rebuilt_journal_verifies ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<RebuildBenchResult> RunAsync(int records, double damageAt, Action<string> say, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mesh-bench-rebuild-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, AuditJournalStore.FileName);
            var head = await WriteAsync(path, dir, records, ct).ConfigureAwait(false);
            say($"wrote {records:N0} readings' records and their checkpoints: head {head:N0}, {new FileInfo(path).Length / 1024 / 1024} MiB");

            await using var app = HubApp.Build(
                ["--Hub:Url=http://127.0.0.1:0", "--Hub:Enrollment:Url=", "--Hub:Enrollment:PlaintextNodes=true", $"--Hub:DataPath={Path.Combine(dir, "hub.db")}",
                    "--Logging:LogLevel:Default=Error"],
                builder => builder.Logging.SetMinimumLevel(LogLevel.Error));
            await app.StartAsync(ct).ConfigureAwait(false);
            using var channel = GrpcChannel.ForAddress(HubApp.GetBoundAddress(app), new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
            var client = new AuditSync.AuditSyncClient(channel);
            var synced = Stopwatch.StartNew();
            await new BenchNode(NodeId, Site, Envelopes(path), 1000, 4, new HubBenchCounters()).RunAsync(client, ct).ConfigureAwait(false);
            say($"synced to the hub in {synced.Elapsed.TotalSeconds:F1} s");

            var page = Damage(path, damageAt);
            var damaged = path + ".bench-damaged";
            File.Copy(path, damaged);
            say($"damaged page {page} of {new FileInfo(path).Length / 4096}; rebuilding from the hub…");

            var clock = Stopwatch.StartNew();
            var fromHub = await JournalRecovery.RebuildAsync(path, NodeId, "bench", JournalRecovery.ReadBackFrom(client, NodeId, Site), ct).ConfigureAwait(false);
            var hubSeconds = clock.Elapsed.TotalSeconds;
            say($"from the hub: {fromHub.Salvaged:N0} salvaged + {fromHub.FromHub:N0} read back = head {fromHub.Head:N0} in {hubSeconds:F2} s");
            var verified = Mesh.Cli.Audit.AuditChainChecker.VerifyJournalFile(path, NodeId);
            say($"the rebuilt journal: {verified.Describe()}");

            foreach (var file in Directory.GetFiles(dir, AuditJournalStore.FileName + "*").Where(f => f != damaged))
                File.Delete(file);
            File.Move(damaged, path);
            clock.Restart();
            var alone = await JournalRecovery.RebuildAsync(path, NodeId, "bench", hub: null, ct).ConfigureAwait(false);
            var aloneSeconds = clock.Elapsed.TotalSeconds;
            say($"without a hub: {alone.Salvaged:N0} salvaged = head {alone.Head:N0} in {aloneSeconds:F2} s ({alone.StoppedAt})");
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return new RebuildBenchResult(records, head, page, verified.Ok,
                new RebuildFigures(fromHub.Salvaged, fromHub.FromHub, fromHub.Head, Math.Round(hubSeconds, 2), Math.Round(fromHub.Head / hubSeconds)),
                new RebuildFigures(alone.Salvaged, 0, alone.Head, Math.Round(aloneSeconds, 2), Math.Round(alone.Head / aloneSeconds)));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes <paramref name="records"/> observations; returns the journal's head (they and the checkpoints signing them).</summary>
    private static async Task<long> WriteAsync(string path, string dir, int records, CancellationToken ct)
    {
        using var key = NodeKey.LoadOrCreate(dir);
        await using var journal = new AuditJournal(path, NodeId, Site, new HybridLogicalClock(NodeId), new JournalOptions { DiskBudgetBytes = 0 },
            NullLogger<AuditJournal>.Instance, key);
        for (var from = 0; from < records; from += 1000)
        {
            ct.ThrowIfCancellationRequested();
            await journal.AppendAsync([.. Enumerable.Range(from, Math.Min(1000, records - from)).Select(i =>
                new AuditDraft(AuditKind.Observation, $"dev-{i % 1000}", $"dev-{i % 1000}#{i}", new byte[32], AuditRoute.None,
                    "site-a@v1", "", "", "accepted", $"{{\"temperature\":{20 + i % 15}}}"))]).ConfigureAwait(false);
        }
        return journal.Head;
    }

    private static AuditRecordEnvelope[] Envelopes(string path)
    {
        using var c = AuditJournalStore.OpenReader(path);
        return [.. AuditJournalStore.ReadAfter(c, 0, (int)AuditJournalStore.Count(c)).Select(r => new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(r.Canonical), Hash = ByteString.CopyFrom(r.Hash) })];
    }

    /// <summary>Overwrites one page with garbage, <paramref name="at"/> of the way into the file (never the header page).</summary>
    private static long Damage(string path, double at)
    {
        Chaos.JournalFaults.FoldWal(path);
        var pages = new FileInfo(path).Length / Chaos.JournalFaults.PageSize;
        return Chaos.JournalFaults.OverwritePage(path, Math.Clamp((long)Math.Round(at * (pages - 1)), 1, pages - 1));
    }

    private sealed record RebuildFigures(long salvaged, long from_hub, long head, double seconds, double records_per_s);

    private sealed record RebuildBenchResult(int records, long head, long damaged_page, bool rebuilt_journal_verifies, RebuildFigures from_hub, RebuildFigures without_hub);
}
