using Mesh.Protocol.Profiles;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mesh.Inference.Registry;
using Mesh.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench inference</c>: latency of a reading model on every execution provider this build can open, at each
/// batch size: p50 and p99 of timed runs (straight on the session, no queue) and the rows per second that gives;
/// then the micro-batcher under many concurrent callers, which is what device agents see.
/// </summary>
public static class InferenceBench
{
    public static Command Command()
    {
        var models = new Option<string>("--models") { Description = "model registry folder", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "models") };
        var model = new Option<string>("--model") { Description = "reading model to measure", DefaultValueFactory = _ => "anomaly" };
        var batches = new Option<int[]>("--batch") { Description = "batch sizes (repeat)", DefaultValueFactory = _ => [1, 8, 32, 64, 256], AllowMultipleArgumentsPerToken = true };
        var runs = new Option<int>("--runs") { Description = "timed runs per provider and batch size", DefaultValueFactory = _ => 5000 };
        var callers = new Option<int>("--callers") { Description = "concurrent callers in the batcher run", DefaultValueFactory = _ => 64 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var command = new Command("inference", "Inference latency p50/p99 per execution provider and batch size, and micro-batched throughput")
        {
            models, model, batches, runs, callers, json,
        };
        command.SetAction(async (r, ct) =>
        {
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            if (r.GetValue(runs) < 10 || r.GetValue(callers) < 1 || r.GetValue(batches)!.Any(b => b is < 1 or > 4096))
            {
                Console.Error.WriteLine("mesh bench inference: --runs must be at least 10, --callers at least 1, every --batch within 1..4096");
                return ExitCodes.Usage;
            }
            var registered = ModelRegistry.Load(r.GetValue(models)!).Find(r.GetValue(model)!);
            if (registered is null || !registered.Manifest.IsReadingModel)
            {
                Console.Error.WriteLine($"mesh bench inference: no reading model '{r.GetValue(model)}' in {r.GetValue(models)} (see 'mesh model check')");
                return ExitCodes.Failure;
            }
            var result = await RunAsync(registered, r.GetValue(batches)!, r.GetValue(runs), r.GetValue(callers), say, ct).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !asJson }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<object> RunAsync(RegisteredModel registered, int[] batches, int runs, int callers, Action<string> say, CancellationToken ct)
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        say($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}: {string.Join(", ", available)}");
        var rows = new List<object>();
        foreach (var provider in ExecutionProviderNames.All)
        {
            if (!available.Contains(ExecutionProviderNames.RuntimeName(provider)))
            {
                say($"{provider}: not in this build (unmeasured)");
                continue;
            }
            using var session = ModelSession.OpenOnly(registered.Manifest, registered.Bytes, provider, out var choice);
            if (session is null)
            {
                say($"{provider}: {choice.Explain()} (unmeasured)");
                continue;
            }
            using var runner = new ReadingModelRunner(session, batches.Max());
            foreach (var batch in batches.Order())
            {
                ct.ThrowIfCancellationRequested();
                var s = LatencyProbe.Measure(runner, batch, runs);
                say(string.Create(CultureInfo.InvariantCulture, $"{provider,-8} batch {batch,4}: p50 {s.P50Ms * 1000:0.0} µs, p99 {s.P99Ms * 1000:0.0} µs, {s.RowsPerSecond:N0} rows/s"));
                rows.Add(new { provider, batch, p50_us = Math.Round(s.P50Ms * 1000, 1), p99_us = Math.Round(s.P99Ms * 1000, 1), rows_per_s = Math.Round(s.RowsPerSecond) });
            }
        }

        // The batcher as device agents use it: many callers, one row each, batches up to 64 with a 1 ms bounded wait (on CPU).
        await using var local = LocalModel.Open(registered, [ExecutionProviders.Cpu], 64, TimeSpan.FromMilliseconds(1));
        var total = runs * 4;
        var latencies = new double[total];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var row = new float[local.Runner!.Width];
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var started = Stopwatch.GetTimestamp();
                await local.Batcher!.ScoreAsync(row).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }, ct))).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        var batched = new
        {
            provider = local.Provider,
            callers,
            rows = total,
            rows_per_s = Math.Round(total / elapsed),
            p50_us = Math.Round(LatencyProbe.Percentile(latencies, 0.5) * 1000, 1),
            p99_us = Math.Round(LatencyProbe.Percentile(latencies, 0.99) * 1000, 1),
        };
        say($"batcher, {callers} callers: {batched.rows_per_s:N0} rows/s, p50 {batched.p50_us} µs, p99 {batched.p99_us} µs");
        return new { model = registered.Manifest.Name, version = registered.Manifest.Version, machine = Environment.MachineName, cores = Environment.ProcessorCount, runs, providers = rows, batcher = batched };
    }
}
