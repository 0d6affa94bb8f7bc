using System.Diagnostics;

namespace Mesh.Inference.Runtime;

/// <summary>Latency of one model run at one batch size: percentiles over many timed runs, and rows per second.</summary>
public sealed record LatencyStats(string Provider, int Batch, int Runs, double P50Ms, double P99Ms, double MeanMs)
{
    public double RowsPerSecond => MeanMs > 0 ? Batch * 1000.0 / MeanMs : 0;
}

/// <summary>
/// Times a reading model's runs on its session, directly (no batcher, no queue): what one inference costs on the
/// provider. Used by <c>mesh profile calibrate</c> for latency priors and by <c>mesh bench inference</c>.
/// </summary>
public static class LatencyProbe
{
    public static LatencyStats Measure(ReadingModelRunner runner, int batch, int runs, int warmup = 50)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, runner.MaxBatch);
        for (var i = 0; i < batch; i++)
            runner.Row(i).Fill(0.5f);
        for (var i = 0; i < warmup; i++)
            runner.Run(batch);
        var samples = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            runner.Run(batch);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(samples);
        return new LatencyStats(runner.Model.Provider.Provider, batch, runs, Percentile(samples, 0.50), Percentile(samples, 0.99), samples.Average());
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
            return 0;
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
