using System.Diagnostics;
using MQTTnet;

namespace Mesh.Cli.Sim;

/// <summary>
/// Simulated sensors publishing telemetry to a node's MQTT broker, one MQTT connection per device, with
/// at-least-once delivery (a reading counts only once the broker's PUBACK says success; until then it is
/// republished, across reconnects). Used by <c>mesh sim</c>, <c>mesh demo</c>, <c>mesh bench</c> and tests.
/// </summary>
public sealed class SensorSimulator
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan DisconnectTimeout = TimeSpan.FromSeconds(2);
    private const int ConnectParallelism = 64;

    /// <summary>
    /// Connects every device, then publishes until <see cref="SimulatorOptions.Duration"/> or
    /// <see cref="SimulatorOptions.ReadingsPerDevice"/> is reached and every reading is settled; then
    /// disconnects. Cancelling ends the run early and still returns what happened (<see cref="SimulationResult.Cancelled"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid (the message lists every problem).</exception>
    /// <exception cref="SimulatorException">A device could not connect within <see cref="SimulatorOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before every device was connected.</exception>
    public async Task<SimulationResult> RunAsync(SimulatorOptions options, IProgress<SimulationProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new ArgumentException("invalid simulator options: " + string.Join("; ", errors), nameof(options));

        var factory = new MqttClientFactory();
        var devices = options.Sites
            .SelectMany(site => options.DeviceIds().Select(device => (site, device)))
            .Select((d, i) => new SimulatedDevice(factory, options, d.site, d.device, i))
            .ToList();
        try
        {
            await ConnectAllAsync(devices, options, ct).ConfigureAwait(false);

            using var producing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (options.Duration is { } duration)
                producing.CancelAfter(duration);
            var counters = new SimulationCounters();
            var run = new SimulationRun(options, new RatePacer(options.Rate), counters, producing.Token, ct);
            var start = Stopwatch.GetTimestamp();

            using var reporting = new CancellationTokenSource();
            var reporter = ReportAsync(progress, devices, counters, start, reporting.Token);
            await Task.WhenAll(devices.Select(d => Task.Run(() => d.RunAsync(run), CancellationToken.None))).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start);
            await reporting.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(false);
            progress?.Report(Snapshot(devices, counters, elapsed));

            await Task.WhenAll(devices.Select(d => d.DisconnectAsync(DisconnectTimeout))).ConfigureAwait(false);
            return BuildResult(devices, counters, elapsed, ct.IsCancellationRequested);
        }
        finally
        {
            foreach (var device in devices)
                device.Dispose();
        }
    }

    private static async Task ConnectAllAsync(List<SimulatedDevice> devices, SimulatorOptions options, CancellationToken ct)
    {
        try
        {
            await Parallel.ForEachAsync(
                devices,
                new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = ct },
                async (device, token) => await device.ConnectAsync(options.ConnectTimeout, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await Task.WhenAll(devices.Select(d => d.DisconnectAsync(DisconnectTimeout))).ConfigureAwait(false);
            throw new SimulatorException(
                $"could not connect to the MQTT broker at {options.Host}:{options.Port} within {options.ConnectTimeout.TotalSeconds:0.#} s ({ex.Message}). "
                + "Check that a node (or its broker) is running there, or pass --host/--port.", ex);
        }
    }

    private static async Task ReportAsync(IProgress<SimulationProgress>? progress, List<SimulatedDevice> devices, SimulationCounters counters, long start, CancellationToken ct)
    {
        if (progress is null)
            return;
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                progress.Report(Snapshot(devices, counters, Stopwatch.GetElapsedTime(start)));
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private static SimulationProgress Snapshot(List<SimulatedDevice> devices, SimulationCounters counters, TimeSpan elapsed) =>
        new(counters.SentValid + counters.SentMalformed, counters.Acknowledged, counters.Retries, counters.SentMalformed,
            counters.Failures, devices.Count(d => !d.IsConnected), elapsed);

    private static SimulationResult BuildResult(List<SimulatedDevice> devices, SimulationCounters counters, TimeSpan elapsed, bool cancelled)
    {
        var latencies = devices.SelectMany(d => d.LatenciesMs).ToArray();
        Array.Sort(latencies);
        return new SimulationResult
        {
            Attempted = counters.SentValid + counters.SentMalformed,
            AttemptedValid = counters.SentValid,
            AttemptedMalformed = counters.SentMalformed,
            Acknowledged = counters.Acknowledged,
            AcknowledgedMalformed = counters.AcknowledgedMalformed,
            RefusedMalformed = counters.RefusedMalformed,
            Retries = counters.Retries,
            Reconnects = counters.Reconnects,
            Failures = counters.Failures,
            Cancelled = cancelled,
            Elapsed = elapsed,
            LatencyP50Ms = Percentile(latencies, 0.50),
            LatencyP99Ms = Percentile(latencies, 0.99),
            AckedSeqs = devices.ToDictionary(d => (d.Site, d.Device), d => (IReadOnlyList<long>)d.AckedSeqs.Order().ToArray()),
            MalformedByKind = counters.MalformedByKind(),
        };
    }

    /// <summary>Nearest-rank percentile of sorted values; 0 when there are none.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
