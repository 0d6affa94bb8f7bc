using Mesh.Cli.Sim;

namespace Mesh.Cli.Bench;

/// <summary>
/// End-to-end ingest: readings/s from a device's QoS 1 publish to durable audit record + PUBACK, against a node
/// in its own process, next to the same publisher against a plain broker with a plain subscriber. Then latency
/// at a fixed rate, and the node's resident memory idle and under load.
/// </summary>
public sealed class IngestBench(IngestBenchOptions options, Action<string> say)
{
    public async Task<IngestBenchResult> RunAsync(CancellationToken ct)
    {
        var baseline = await MeasureBrokerOnlyAsync(ct).ConfigureAwait(false);
        var dir = Path.Combine(Path.GetTempPath(), "mesh-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var port = ChildProcess.FreePort();
            // As installed: each device with its own password, its publishes checked against its topics; --anonymous measures without.
            var devicesFile = Path.Combine(dir, "devices.yaml");
            _credentials = options.Anonymous ? null
                : Devices.DeviceCredentials.Provision(devicesFile, "site-a", new SimulatorOptions { Devices = options.Devices, Sensors = options.Sensors }.DeviceIds());
            using var node = ChildProcess.StartSelf("node", "run", "--Node:NodeId=bench-node", "--Node:Site=site-a",
                $"--Node:DataDirectory={dir}", $"--Node:Mqtt:Port={port}", "--Logging:LogLevel:Default=Warning",
                $"--Node:Policy:File={options.PolicyFile ?? ""}", $"--Node:Devices:AllowAnonymous={options.Anonymous}", $"--Node:Devices:File={devicesFile}");
            await node.WaitForPortAsync(port, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(3), ct).ConfigureAwait(false);
            var rssIdle = node.RssMiB();
            say($"node up (pid {node.Id}), idle RSS {rssIdle:0.0} MiB; warming up");
            await LoadAsync(port, 0, readingsPerDevice: 20, null, ct).ConfigureAwait(false);

            say($"max-rate run: {options.Devices} devices × {options.Readings} readings");
            double rssLoad = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    rssLoad = Math.Max(rssLoad, node.RssMiB());
                    try { await Task.Delay(200, sampling.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
                }
            }, CancellationToken.None);
            var max = await LoadAsync(port, 0, options.Readings, null, ct).ConfigureAwait(false);
            await sampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            say($"  {max.Throughput:N0} readings/s, p50 {max.LatencyP50Ms:0.00} ms, p99 {max.LatencyP99Ms:0.00} ms, RSS peak {rssLoad:0.0} MiB");

            say($"latency run: {options.LatencyRate:N0} readings/s for {options.LatencySeconds:0} s");
            var paced = await LoadAsync(port, options.LatencyRate, null, TimeSpan.FromSeconds(options.LatencySeconds), ct).ConfigureAwait(false);
            say($"  achieved {paced.Throughput:N0} readings/s, p50 {paced.LatencyP50Ms:0.00} ms, p99 {paced.LatencyP99Ms:0.00} ms");

            // What the node's journal says ran: a model benchmark in which the model never ran would measure nothing.
            var routes = new Demo.RouteMix();
            using (var c = Mesh.Node.Audit.AuditJournalStore.OpenReader(Path.Combine(dir, Mesh.Node.Audit.AuditJournalStore.FileName)))
                for (long after = 0; ;)
                {
                    var batch = Mesh.Node.Audit.AuditJournalStore.ReadAfter(c, after, 10_000);
                    if (batch.Count == 0)
                        break;
                    foreach (var stored in batch)
                        routes.Feed(Mesh.Protocol.Audit.AuditRecordCodec.Decode(stored.Canonical));
                    after = batch[^1].Seq;
                }
            say($"model runs in the journal: {routes.Total:N0} ({routes.Edge:N0} on this node, {routes.Deterministic:N0} degraded)");

            return new IngestBenchResult
            {
                ReadingsPerSec = Math.Round(max.Throughput, 1),
                BrokerOnlyPerSec = Math.Round(baseline, 1),
                Ratio = baseline > 0 ? Math.Round(max.Throughput / baseline, 3) : 0,
                P50Ms = Math.Round(paced.LatencyP50Ms, 2),
                P99Ms = Math.Round(paced.LatencyP99Ms, 2),
                LatencyRate = options.LatencyRate,
                LatencyAchievedPerSec = Math.Round(paced.Throughput, 1),
                MaxRateP50Ms = Math.Round(max.LatencyP50Ms, 2),
                MaxRateP99Ms = Math.Round(max.LatencyP99Ms, 2),
                RssIdleMb = Math.Round(rssIdle, 1),
                RssLoadMb = Math.Round(rssLoad, 1),
                Devices = options.Devices,
                DeviceCredentials = !options.Anonymous,
                Readings = max.Acknowledged,
                AllAcknowledged = max.AllValidAcknowledged && paced.AllValidAcknowledged,
                Sensors = options.Sensors.ToString(),
                ModelRuns = routes.Total,
                ModelRunsLocal = routes.Edge,
                ModelRunsDegraded = routes.Deterministic,
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private async Task<double> MeasureBrokerOnlyAsync(CancellationToken ct)
    {
        var port = ChildProcess.FreePort();
        using var broker = ChildProcess.StartSelf("bench", "broker", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await broker.WaitForPortAsync(port, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        say("broker-only baseline: warming up");
        await LoadAsync(port, 0, readingsPerDevice: 20, null, ct).ConfigureAwait(false);
        var result = await LoadAsync(port, 0, options.Readings, null, ct).ConfigureAwait(false);
        say($"  broker only: {result.Throughput:N0} readings/s, p50 {result.LatencyP50Ms:0.00} ms, p99 {result.LatencyP99Ms:0.00} ms");
        return result.Throughput;
    }

    private Devices.DeviceCredentials? _credentials;

    private long _nextSeq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;

    private Task<SimulationResult> LoadAsync(int port, double rate, int? readingsPerDevice, TimeSpan? duration, CancellationToken ct)
    {
        var start = _nextSeq;
        _nextSeq += 10_000_000;
        return new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = port,
            Sites = ["site-a"],
            Devices = options.Devices,
            Rate = rate,
            ReadingsPerDevice = readingsPerDevice,
            Duration = duration,
            StartSeq = start,
            ClientIdPrefix = "bench",
            MaxInFlightPerDevice = 1,
            Sensors = options.Sensors,
            Credentials = _credentials,
        }, null, ct);
    }
}

/// <summary>Settings of <c>mesh bench ingest</c>.</summary>
public sealed record IngestBenchOptions
{
    /// <summary>Publishing devices (one MQTT connection each). Default 200.</summary>
    public int Devices { get; init; } = 200;

    /// <summary>Readings per device in the max-rate runs. Default 200.</summary>
    public int Readings { get; init; } = 200;

    /// <summary>Rate of the latency run. Default 5000/s.</summary>
    public double LatencyRate { get; init; } = 5000;

    /// <summary>Length of the latency run. Default 10 s.</summary>
    public double LatencySeconds { get; init; } = 10;

    /// <summary>A policy file for the node (site <c>site-a</c>); null: the built-in single threshold rule.</summary>
    public string? PolicyFile { get; init; }

    /// <summary>What the devices send. Default thermal sensors (temperature, humidity).</summary>
    public SensorKind Sensors { get; init; } = SensorKind.Thermal;

    /// <summary>Run the node with <c>Node:Devices:AllowAnonymous=true</c>: no device credentials or topic checks, to
    /// measure what they cost. Default false (as installed).</summary>
    public bool Anonymous { get; init; }
}
