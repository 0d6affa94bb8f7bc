using System.Diagnostics;

namespace Mesh.Cli.Sim;

/// <summary>
/// Spreads new readings of all devices evenly over time: each caller reserves the next free slot
/// (1/rate apart) and waits for it. After a stall, up to 50 ms of missed slots are caught up at once,
/// not more, so an outage is not followed by a flood.
/// </summary>
internal sealed class RatePacer
{
    private readonly double _intervalTicks;
    private readonly double _burstTicks;
    private readonly Lock _lock = new();
    private double _next;

    /// <param name="rate">Slots per second; 0 or less means no pacing.</param>
    public RatePacer(double rate)
    {
        _intervalTicks = rate > 0 ? Stopwatch.Frequency / rate : 0;
        _burstTicks = Stopwatch.Frequency * 0.05;
        _next = Stopwatch.GetTimestamp();
    }

    public async ValueTask WaitAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (_intervalTicks == 0)
            return;
        double due;
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            due = Math.Max(_next, now - _burstTicks);
            _next = due + _intervalTicks;
        }
        var wait = TimeSpan.FromSeconds((due - now) / Stopwatch.Frequency);
        if (wait >= TimeSpan.FromMilliseconds(1))
            await Task.Delay(wait, ct).ConfigureAwait(false);
    }
}
