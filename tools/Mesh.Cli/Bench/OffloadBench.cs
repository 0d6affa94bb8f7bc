using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Grpc.Net.Client;
using Mesh.Inference.Anomaly;
using Mesh.Inference.Runtime;
using Mesh.Protocol.Grpc;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench offload</c>: the round trip of an offloaded inference over loopback gRPC. A serving node runs in its
/// own process (<c>mesh node run</c> with the cloud-a10g profile and <c>Node:Inference:ServeUrl</c>); this process
/// sends one-row Score calls one after another (round trip p50/p99), then from many callers at once (throughput).
/// </summary>
public static class OffloadBench
{
    public static Command Command()
    {
        var calls = new Option<int>("--calls") { Description = "Score calls in each run", DefaultValueFactory = _ => 5000 };
        var callers = new Option<int>("--callers") { Description = "concurrent callers in the throughput run", DefaultValueFactory = _ => 32 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var command = new Command("offload", "Offload round trip over loopback gRPC to a serving node, and its throughput") { calls, callers, json };
        command.SetAction(async (r, ct) =>
        {
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            if (r.GetValue(calls) < 10 || r.GetValue(callers) < 1)
            {
                Console.Error.WriteLine("mesh bench offload: --calls must be at least 10 and --callers at least 1");
                return ExitCodes.Usage;
            }
            var result = await RunAsync(r.GetValue(calls), r.GetValue(callers), say, ct).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !asJson }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<object> RunAsync(int calls, int callers, Action<string> say, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mesh-bench-offload-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var mqtt = ChildProcess.FreePort();
            var serve = ChildProcess.FreePort();
            using var node = ChildProcess.StartSelf("node", "run", "--Node:NodeId=bench-gpu", "--Node:Site=cloud", $"--Node:DataDirectory={dir}",
                $"--Node:Mqtt:Port={mqtt}", "--Node:Profile=cloud-a10g", $"--Node:Inference:ServeUrl=http://127.0.0.1:{serve}",
                "--Logging:LogLevel:Default=Warning");
            await node.WaitForPortAsync(serve, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{serve}");
            var client = new Mesh.Protocol.Grpc.Inference.InferenceClient(channel);
            var info = await client.DescribeAsync(new DescribeRequest { NodeId = "bench", Site = "site-a" }, cancellationToken: ct).ConfigureAwait(false);
            var served = info.Models.Single(m => m.Name == "anomaly");
            say($"serving node {info.NodeId} ({served.Name} {served.Version} on {served.Provider}), pid {node.Id}");
            var rows = SensorDataGenerator.Generate(new SensorDataOptions { Seed = 3, Devices = 2, Days = 1 }).Select(AnomalyFeatures.Of).ToArray();

            ScoreRequest Request(int i)
            {
                var request = new ScoreRequest { Model = "anomaly", Width = served.Width, Count = 1, NodeId = "bench", Site = "site-a" };
                request.Rows.Add(rows[i % rows.Length]);
                return request;
            }

            for (var i = 0; i < 500; i++)
                await client.ScoreAsync(Request(i), cancellationToken: ct).ConfigureAwait(false);

            var sequential = new double[calls];
            var server = new double[calls];
            for (var i = 0; i < calls; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var reply = await client.ScoreAsync(Request(i), cancellationToken: ct).ConfigureAwait(false);
                sequential[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                server[i] = (reply.QueueMicros + reply.RunMicros) / 1000.0;
            }
            Array.Sort(sequential);
            Array.Sort(server);
            say($"sequential: p50 {LatencyProbe.Percentile(sequential, 0.5):0.000} ms, p99 {LatencyProbe.Percentile(sequential, 0.99):0.000} ms round trip; the serving node's own share p50 {LatencyProbe.Percentile(server, 0.5):0.000} ms");

            var concurrent = new double[calls];
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < calls)
                {
                    var started = Stopwatch.GetTimestamp();
                    await client.ScoreAsync(Request(i), cancellationToken: ct).ConfigureAwait(false);
                    concurrent[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }, ct))).ConfigureAwait(false);
            var elapsed = clock.Elapsed.TotalSeconds;
            Array.Sort(concurrent);
            say($"{callers} callers: {calls / elapsed:N0} calls/s, p50 {LatencyProbe.Percentile(concurrent, 0.5):0.000} ms, p99 {LatencyProbe.Percentile(concurrent, 0.99):0.000} ms");
            return new
            {
                machine = Environment.MachineName,
                cores = Environment.ProcessorCount,
                calls,
                served = new { served.Name, served.Version, served.Provider },
                sequential = new { p50_ms = Math.Round(LatencyProbe.Percentile(sequential, 0.5), 3), p99_ms = Math.Round(LatencyProbe.Percentile(sequential, 0.99), 3), server_p50_ms = Math.Round(LatencyProbe.Percentile(server, 0.5), 3) },
                concurrent = new { callers, calls_per_s = Math.Round(calls / elapsed), p50_ms = Math.Round(LatencyProbe.Percentile(concurrent, 0.5), 3), p99_ms = Math.Round(LatencyProbe.Percentile(concurrent, 0.99), 3) },
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
