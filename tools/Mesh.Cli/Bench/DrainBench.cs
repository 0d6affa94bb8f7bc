using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Mesh.Cli.Demo;
using Mesh.Hub.Storage;
using Mesh.Node;
using Mesh.Node.Audit;
using Mesh.Node.Sync;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench drain</c>: how fast a node's backlog reaches the hub. Writes a journal of N chained records as the
/// journal writes them, starts a hub in this process (and for NATS a nats-server), then runs the node's real sync
/// code — the gRPC <see cref="AuditSyncService"/> or the <see cref="NatsAuditPublisher"/> — until the hub has
/// stored and verified all N.
/// </summary>
public static class DrainBench
{
    private const string NodeId = "bench-node";
    private const string Site = "site-a";

    public static Command Command()
    {
        var transport = new Option<string>("--transport") { Description = "grpc or nats", DefaultValueFactory = _ => "grpc" };
        transport.AcceptOnlyFromAmong("grpc", "nats");
        var records = new Option<int>("--records") { Description = "Records in the backlog", DefaultValueFactory = _ => 1_000_000 };
        var batch = new Option<int>("--batch") { Description = "Node:Sync:BatchSize (records per batch or journal read)", DefaultValueFactory = _ => 1000 };
        var inFlight = new Option<int>("--in-flight") { Description = "Node:Sync:MaxBatchesInFlight", DefaultValueFactory = _ => 8 };
        var perMessage = new Option<int>("--per-message")
        {
            Description = "NATS: Node:Sync:NatsRecordsPerMessage (records per JetStream message)",
            DefaultValueFactory = _ => new SyncOptions().NatsRecordsPerMessage,
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var command = new Command("drain", "Audit sync throughput: a backlog of N records from a node's journal into the hub's store, over gRPC or NATS JetStream")
        {
            transport, records, batch, inFlight, perMessage, json,
        };
        command.SetAction(async (r, ct) =>
        {
            var n = r.GetValue(records);
            if (n < 1 || r.GetValue(batch) is < 1 or > 1000 || r.GetValue(inFlight) is < 1 or > 64)
            {
                Console.Error.WriteLine("mesh bench drain: --records must be positive, --batch 1..1000, --in-flight 1..64");
                return ExitCodes.Usage;
            }
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            var nats = r.GetValue(transport) == "nats";
            var result = await RunAsync(nats, n, r.GetValue(batch), r.GetValue(inFlight), r.GetValue(perMessage), say, ct).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !asJson }));
            return result.stored == n ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<DrainBenchResult> RunAsync(bool overNats, int n, int batch, int inFlight, int perMessage, Action<string> say, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mesh-bench-drain-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var journalPath = Path.Combine(dir, AuditJournalStore.FileName);
            var written = Stopwatch.StartNew();
            await WriteJournalAsync(journalPath, n, say, ct).ConfigureAwait(false);
            say($"journal written: {n:N0} records in {written.Elapsed.TotalSeconds:F1} s ({new FileInfo(journalPath).Length / 1048576.0:F0} MiB)");

            using var natsServer = overNats ? await NatsServerProcess.StartAsync(Path.Combine(dir, "nats"), ct).ConfigureAwait(false) : null;
            string[] hubArgs = natsServer is null ? [] : [$"--Hub:Nats:Url={natsServer.Url}", "--Hub:Nats:DiscoverInterval=00:00:00.2"];
            await using var hub = await LocalHub.StartAsync(Path.Combine(dir, "hub"), extraArgs: hubArgs).ConfigureAwait(false);
            var store = hub.App.Services.GetRequiredService<HubStore>();

            var options = Options.Create(new NodeOptions
            {
                NodeId = NodeId,
                Site = Site,
                DataDirectory = dir,
                Sync = new SyncOptions
                {
                    HubUrl = natsServer is null ? hub.Address.ToString() : "",
                    Transport = natsServer is null ? SyncTransport.Grpc : SyncTransport.Nats,
                    NatsUrl = natsServer?.Url ?? "",
                    BatchSize = batch,
                    MaxBatchesInFlight = inFlight,
                    NatsRecordsPerMessage = perMessage,
                },
            });
            var error = new NodeOptionsValidator().Validate(null, options.Value);
            if (error.Failed)
                throw new InvalidOperationException(error.FailureMessage);
            await using var journal = new AuditJournal(journalPath, NodeId, Site, new HybridLogicalClock(NodeId), new JournalOptions(), NullLogger<AuditJournal>.Instance);
            using var channel = new HubChannel(options);
            var stats = new NodeStats();
            using BackgroundService sync = natsServer is null
                ? new AuditSyncService(options, channel, journal, stats, NullLogger<AuditSyncService>.Instance)
                : new NatsAuditPublisher(options, channel, journal, stats, NullLogger<NatsAuditPublisher>.Instance);

            say(overNats
                ? $"draining {n:N0} records over NATS JetStream (batch {batch}, {inFlight} in flight, {perMessage} records per message)…"
                : $"draining {n:N0} records over gRPC (batch {batch}, {inFlight} in flight)…");
            var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var serverCpuBefore = natsServer?.CpuTime ?? TimeSpan.Zero;
            var clock = Stopwatch.StartNew();
            await sync.StartAsync(ct).ConfigureAwait(false);
            double? inStream = null;
            long stored = 0;
            var lastSay = TimeSpan.Zero;
            while (!ct.IsCancellationRequested)
            {
                stored = store.FindNode(NodeId)?.LastSeq ?? 0;
                if (overNats && inStream is null && stats.HubAcked >= n)
                    inStream = clock.Elapsed.TotalSeconds;
                if (stored >= n)
                    break;
                if (clock.Elapsed - lastSay >= TimeSpan.FromSeconds(2))
                {
                    lastSay = clock.Elapsed;
                    say(overNats
                        ? $"  {clock.Elapsed.TotalSeconds,5:F0} s: {stats.HubAcked,10:N0} in stream, {stored,10:N0} stored at hub ({stored / clock.Elapsed.TotalSeconds:N0}/s)"
                        : $"  {clock.Elapsed.TotalSeconds,5:F0} s: {stored,10:N0} stored at hub ({stored / clock.Elapsed.TotalSeconds:N0}/s)");
                }
                await Task.Delay(20, ct).ConfigureAwait(false);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            self.Refresh();
            // CPU per record tells what a busier or idler machine would do: at 2 cores, 20 µs per record caps at 100,000/s.
            var cpu = (self.TotalProcessorTime - cpuBefore).TotalMicroseconds / n;
            var serverCpu = natsServer is null ? (double?)null : Math.Round((natsServer.CpuTime - serverCpuBefore).TotalMicroseconds / n, 1);
            await sync.StopAsync(CancellationToken.None).ConfigureAwait(false);
            var result = new DrainBenchResult(overNats ? "nats" : "grpc", n, stored, Math.Round(seconds, 2), Math.Round(stored / seconds),
                inStream is { } s ? Math.Round(s, 2) : null, inStream is { } t ? Math.Round(n / t) : null, batch, inFlight,
                overNats ? perMessage : null, Environment.ProcessorCount,
                Math.Round(cpu, 1), serverCpu);
            say(overNats
                ? $"done: {n:N0} records in stream after {inStream:F1} s ({result.in_stream_per_sec:N0}/s), stored at hub after {seconds:F1} s ({result.records_per_sec:N0}/s); CPU per record: {cpu:F1} µs node + hub, {serverCpu:F1} µs nats-server"
                : $"done: {n:N0} records stored at hub after {seconds:F1} s ({result.records_per_sec:N0}/s); CPU per record: {cpu:F1} µs node + hub");
            return result;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>N Observation records written the way the journal writes them (sealed, chained), in large group commits.</summary>
    private static async Task WriteJournalAsync(string path, int n, Action<string> say, CancellationToken ct)
    {
        await using var journal = new AuditJournal(path, NodeId, Site, new HybridLogicalClock(NodeId),
            new JournalOptions { MaxBatchRecords = 20_000 }, NullLogger<AuditJournal>.Instance);
        var digest = new byte[32];
        var pending = new List<Task>();
        for (var i = 1; i <= n; i++)
        {
            ct.ThrowIfCancellationRequested();
            var device = $"dev-{i % 1000:D4}";
            var body = $"{{\"ts\":\"2026-11-23T00:00:{i % 60:D2}.000Z\",\"metrics\":{{\"humidity\":{45 + i % 17 * 0.37:F2},\"temperature\":{21 + i % 13 * 0.71:F2}}},\"runs\":[]}}";
            pending.Add(journal.AppendAsync([new AuditDraft(AuditKind.Observation, device, $"{device}#{i}", digest, AuditRoute.None, "builtin:v0", "", "", "accepted", body)]));
            if (pending.Count == 20_000)
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
                pending.Clear();
                if (i % 200_000 == 0)
                    say($"  {i:N0} records journaled…");
            }
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "JSON names")]
    private sealed record DrainBenchResult(string transport, long records, long stored, double seconds, double records_per_sec,
        double? in_stream_seconds, double? in_stream_per_sec, int batch, int in_flight, int? records_per_message, int cores,
        double cpu_us_per_record, double? nats_server_cpu_us_per_record);
}
