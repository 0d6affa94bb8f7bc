namespace Mesh.Node.Sync;

/// <summary>
/// Paces catch-up to at most <c>Node:Sync:MaxCatchUpRecordsPerSecond</c>: each batch reserves its records' share of a
/// second after the previous one's, so a backlog drains at a steady rate the hub can plan for (the first batch goes at
/// once; 0 = unlimited). Not thread-safe: one per sync session.
/// </summary>
public sealed class CatchUpPacer(int recordsPerSecond, TimeProvider time)
{
    private readonly long _origin = time.GetTimestamp();
    private TimeSpan _next;

    /// <summary>Reserves <paramref name="records"/> and returns how long to wait before sending them.</summary>
    public TimeSpan Reserve(int records)
    {
        if (recordsPerSecond <= 0)
            return TimeSpan.Zero;
        var now = time.GetElapsedTime(_origin);
        var start = _next > now ? _next : now;
        _next = start + TimeSpan.FromSeconds(records / (double)recordsPerSecond);
        return start - now;
    }
}
