namespace Mesh.Cli.Sim;

/// <summary>Exponential backoff from 100 ms doubling to a 2 s cap, each delay jittered to 50-100 % of its
/// value so that devices dropped together do not reconnect in lockstep.</summary>
internal sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(2);
    private int _failures;

    public void Reset() => _failures = 0;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures++, 10);
        var delay = Math.Min(Cap.TotalMilliseconds, First.TotalMilliseconds * (1 << exponent));
        return TimeSpan.FromMilliseconds(delay * (0.5 + Random.Shared.NextDouble() * 0.5));
    }

    public Task DelayAsync(CancellationToken ct) => Task.Delay(Next(), ct);
}
