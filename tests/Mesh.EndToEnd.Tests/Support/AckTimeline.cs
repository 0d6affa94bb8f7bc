using System.Diagnostics;
using Mesh.Cli.Sim;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The simulator's progress over time (it reports about every 250 ms), to tell whether the node kept
/// acknowledging readings through a given stretch of the run.</summary>
public sealed class AckTimeline : IProgress<SimulationProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(TimeSpan At, long Acked, long Retries)> _samples = [];

    public TimeSpan Now => _clock.Elapsed;

    public long Acked
    {
        get { lock (_samples) return _samples.Count == 0 ? 0 : _samples[^1].Acked; }
    }

    public long Retries
    {
        get { lock (_samples) return _samples.Count == 0 ? 0 : _samples[^1].Retries; }
    }

    public void Report(SimulationProgress value)
    {
        lock (_samples)
            _samples.Add((_clock.Elapsed, value.Acknowledged, value.Retries));
    }

    /// <summary>The longest stretch within [<paramref name="from"/>, <paramref name="to"/>] in which the acknowledged
    /// count did not grow (measured between reports).</summary>
    public TimeSpan LongestStall(TimeSpan from, TimeSpan to)
    {
        lock (_samples)
        {
            var window = _samples.Where(s => s.At >= from && s.At <= to).ToList();
            if (window.Count < 2)
                return to - from;
            var longest = TimeSpan.Zero;
            var since = window[0];
            foreach (var s in window.Skip(1))
            {
                if (s.Acked > since.Acked)
                    since = s;
                else if (s.At - since.At > longest)
                    longest = s.At - since.At;
            }
            return longest;
        }
    }
}
