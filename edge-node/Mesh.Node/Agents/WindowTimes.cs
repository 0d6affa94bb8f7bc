using System.Collections;

namespace Mesh.Node.Agents;

/// <summary>
/// The timestamps (Unix ms) counted in one count window of a device, sorted, in an array never changed after
/// it is made. Counting is two binary searches; adding a reading copies the window once, dropping what has
/// aged out (a window holds at most the readings of its span, so the copy is short). A reading older than
/// the newest (a device clock that stepped back) is inserted in order. Immutable.
/// </summary>
public sealed class WindowTimes : IReadOnlyCollection<long>
{
    public static readonly WindowTimes Empty = new([]);

    private readonly long[] _times;

    private WindowTimes(long[] times) => _times = times;

    public int Count => _times.Length;

    public static WindowTimes Of(IEnumerable<long> times) => new([.. times.Order()]);

    /// <summary>How many timestamps are after <paramref name="afterMs"/> and at or before <paramref name="untilMs"/>.</summary>
    public int CountWithin(long afterMs, long untilMs) => Math.Max(0, UpperBound(untilMs) - UpperBound(afterMs));

    /// <summary>Drops the timestamps at or before <paramref name="pruneBeforeMs"/> and adds <paramref name="tsMs"/>.</summary>
    public WindowTimes Add(long tsMs, long pruneBeforeMs)
    {
        var keepFrom = UpperBound(pruneBeforeMs);
        var at = UpperBound(tsMs);
        var kept = _times.Length - keepFrom;
        var next = new long[kept + 1];
        if (at < keepFrom)
            at = keepFrom;
        Array.Copy(_times, keepFrom, next, 0, at - keepFrom);
        next[at - keepFrom] = tsMs;
        Array.Copy(_times, at, next, at - keepFrom + 1, _times.Length - at);
        return new WindowTimes(next);
    }

    /// <summary>How many timestamps are at or before <paramref name="ms"/>.</summary>
    private int UpperBound(long ms)
    {
        int lo = 0, hi = _times.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_times[mid] <= ms)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)_times).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
