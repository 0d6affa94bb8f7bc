using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Grpc.Net.Client;
using Mesh.Hub;
using Mesh.Hub.Storage;
using Mesh.Hub.Sync;
using Mesh.Inference.Runtime;
using Mesh.Protocol.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench hub</c>: a hub (in this process, on a loopback port, its own SQLite file) and N simulated nodes that
/// connect at once, each on its own gRPC connection, each streaming a prepared chain of real records (built with
/// <c>AuditRecordCodec</c>) as a node does. Measures records per second stored at the hub, each batch's ack latency
/// (p50/p99), and the sessions the hub shed (<c>Hub:MaxSyncStreams</c>) and that were retried.
/// </summary>
public static class HubBench
{
    public static Command Command()
    {
        var nodes = new Option<int>("--nodes") { Description = "Simulated nodes, connecting at once", DefaultValueFactory = _ => 200 };
        var records = new Option<int>("--records") { Description = "Records in each node's chain", DefaultValueFactory = _ => 2000 };
        var batch = new Option<int>("--batch") { Description = "Records per batch (as Node:Sync:BatchSize)", DefaultValueFactory = _ => 500 };
        var inFlight = new Option<int>("--in-flight") { Description = "Batches a node sends ahead of the hub's ack (as Node:Sync:MaxBatchesInFlight)", DefaultValueFactory = _ => 4 };
        var maxStreams = new Option<int>("--max-streams") { Description = "The hub's Hub:MaxSyncStreams", DefaultValueFactory = _ => new HubOptions().MaxSyncStreams };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var command = new Command("hub", "Audit sync into one hub from many nodes at once: records/s stored, batch ack latency, sessions shed")
        {
            nodes, records, batch, inFlight, maxStreams, json,
        };
        command.SetAction(async (r, ct) =>
        {
            var options = new HubBenchOptions(r.GetValue(nodes), r.GetValue(records), r.GetValue(batch), r.GetValue(inFlight), r.GetValue(maxStreams));
            if (options.Problem() is { } problem)
            {
                Console.Error.WriteLine($"mesh bench hub: {problem}");
                return ExitCodes.Usage;
            }
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            var result = await RunAsync(options, say, ct).ConfigureAwait(false);
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            else
                Print(result);
            return result.AllStored ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<HubBenchResult> RunAsync(HubBenchOptions o, Action<string> say, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mesh-bench-hub-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var prepared = Stopwatch.StartNew();
            var chains = new AuditRecordEnvelope[o.Nodes][];
            Parallel.For(0, o.Nodes, i => chains[i] = BenchChains.Build(NodeId(i), Site(i), o.Records));
            say($"prepared {o.Nodes} chains of {o.Records:N0} records ({(long)o.Nodes * o.Records:N0} in all) in {prepared.Elapsed.TotalSeconds:F1} s");

            await using var app = HubApp.Build(
                ["--Hub:Url=http://127.0.0.1:0", "--Hub:Enrollment:Url=", "--Hub:Enrollment:PlaintextNodes=true", $"--Hub:DataPath={Path.Combine(dir, "hub.db")}", $"--Hub:MaxSyncStreams={o.MaxStreams}",
                    "--Logging:LogLevel:Default=Warning"],
                builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
            await app.StartAsync(ct).ConfigureAwait(false);
            var address = HubApp.GetBoundAddress(app);
            var admission = app.Services.GetRequiredService<SyncAdmission>();
            say($"hub on {address} (Hub:MaxSyncStreams {o.MaxStreams}); {o.Nodes} nodes connecting at once…");

            var counters = new HubBenchCounters();
            var channels = Enumerable.Range(0, o.Nodes).Select(_ => GrpcChannel.ForAddress(address)).ToArray();
            var clock = Stopwatch.StartNew();
            using var reporting = new CancellationTokenSource();
            var reporter = ReportAsync(counters, admission, (long)o.Nodes * o.Records, clock, say, reporting.Token);
            try
            {
                await Task.WhenAll(Enumerable.Range(0, o.Nodes).Select(i => Task.Run(() =>
                    new BenchNode(NodeId(i), Site(i), chains[i], o.Batch, o.InFlight, counters).RunAsync(new AuditSync.AuditSyncClient(channels[i]), ct), ct)))
                    .ConfigureAwait(false);
            }
            finally
            {
                clock.Stop();
                await reporting.CancelAsync().ConfigureAwait(false);
                await reporter.ConfigureAwait(false);
                foreach (var channel in channels)
                    channel.Dispose();
            }

            var stored = app.Services.GetRequiredService<HubStore>().Nodes;
            var allStored = stored.Count == o.Nodes && stored.All(n => n.LastSeq == o.Records);
            var latencies = counters.SortedLatencies();
            var status = admission.Status;
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return new HubBenchResult(
                Environment.MachineName, Environment.ProcessorCount, o.Nodes, o.Records, o.Batch, o.InFlight, o.MaxStreams,
                counters.StoredRecords, Math.Round(clock.Elapsed.TotalSeconds, 2), Math.Round(counters.StoredRecords / clock.Elapsed.TotalSeconds),
                latencies.Length, Math.Round(LatencyProbe.Percentile(latencies, 0.5), 1), Math.Round(LatencyProbe.Percentile(latencies, 0.99), 1),
                Math.Round(latencies.Length == 0 ? 0 : latencies[^1], 1),
                counters.Sessions, counters.ShedSessions, counters.FailedSessions, status.PeakStreams, status.Shed, allStored);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string NodeId(int i) => $"bench-{i + 1:D4}";

    private static string Site(int i) => $"site-{i % 20 + 1:D2}";

    private static async Task ReportAsync(HubBenchCounters counters, SyncAdmission admission, long total, Stopwatch clock, Action<string> say, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var last = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var stored = counters.StoredRecords;
                var status = admission.Status;
                say($"  {clock.Elapsed.TotalSeconds,5:F0} s  stored {stored,10:N0} of {total:N0}  ({stored - last,8:N0} records/s)  streams {status.ActiveStreams,4} (peak {status.PeakStreams})  shed {status.Shed:N0}");
                last = stored;
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static void Print(HubBenchResult r)
    {
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("machine", $"{Markup.Escape(r.Machine)}, {r.Cores} cores");
        table.AddRow("nodes × records", $"{r.Nodes} × {r.RecordsPerNode:N0} = {r.StoredRecords:N0} stored");
        table.AddRow("batch / in flight", $"{r.Batch} records / {r.InFlight} batches");
        table.AddRow("Hub:MaxSyncStreams", r.MaxSyncStreams.ToString());
        table.AddRow("elapsed", $"{r.Seconds:F2} s");
        table.AddRow("[bold]records/s stored[/]", $"[bold]{r.RecordsPerSecond:N0}[/]");
        table.AddRow("batch ack latency", $"p50 {r.AckP50Ms:N1} ms, p99 {r.AckP99Ms:N1} ms, max {r.AckMaxMs:N1} ms ({r.Batches:N0} batches)");
        table.AddRow("sessions", $"{r.Sessions:N0} opened, {r.ShedSessions:N0} shed and retried, {r.FailedSessions:N0} failed otherwise");
        table.AddRow("hub: peak streams / shed", $"{r.PeakStreams} / {r.HubShed:N0}");
        table.AddRow("every record stored", r.AllStored ? "[green]yes[/]" : "[red]no[/]");
        AnsiConsole.Write(table);
    }
}

internal sealed record HubBenchOptions(int Nodes, int Records, int Batch, int InFlight, int MaxStreams)
{
    public string? Problem() =>
        Nodes is < 1 or > 10_000 ? "--nodes must be within 1..10000"
        : Records is < 1 or > 1_000_000 ? "--records must be within 1..1000000"
        : Batch is < 1 or > 1000 ? "--batch must be within 1..1000 (the hub's Hub:MaxBatchRecords)"
        : InFlight is < 1 or > 64 ? "--in-flight must be within 1..64"
        : MaxStreams is < 1 or > HubOptionsValidator.MaxSyncStreamsLimit ? $"--max-streams must be within 1..{HubOptionsValidator.MaxSyncStreamsLimit}"
        : (long)Nodes * Records > 20_000_000 ? "--nodes × --records must stay within 20,000,000 (the chains are held in memory)"
        : null;
}

/// <summary>The figures of one <c>mesh bench hub</c> run.</summary>
internal sealed record HubBenchResult(
    string Machine, int Cores, int Nodes, int RecordsPerNode, int Batch, int InFlight, int MaxSyncStreams,
    long StoredRecords, double Seconds, double RecordsPerSecond,
    int Batches, double AckP50Ms, double AckP99Ms, double AckMaxMs,
    long Sessions, long ShedSessions, long FailedSessions, int PeakStreams, long HubShed, bool AllStored);
