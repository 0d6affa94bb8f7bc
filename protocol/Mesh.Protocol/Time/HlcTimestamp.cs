namespace Mesh.Protocol.Time;

/// <summary>
/// A hybrid logical clock stamp: physical milliseconds since the Unix epoch, a logical counter that
/// orders events within one millisecond (or while the wall clock lags), and the node that made it.
/// Ordering is by wall time, then counter, then node id (ordinal), so every replica agrees.
/// </summary>
public readonly record struct HlcTimestamp(long WallMillis, int Counter, string NodeId) : IComparable<HlcTimestamp>
{
    public int CompareTo(HlcTimestamp other)
    {
        var c = WallMillis.CompareTo(other.WallMillis);
        if (c != 0) return c;
        c = Counter.CompareTo(other.Counter);
        return c != 0 ? c : string.CompareOrdinal(NodeId, other.NodeId);
    }

    public static bool operator <(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) < 0;
    public static bool operator >(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) > 0;
    public static bool operator <=(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) <= 0;
    public static bool operator >=(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) >= 0;

    public override string ToString() =>
        $"{DateTimeOffset.FromUnixTimeMilliseconds(WallMillis):yyyy-MM-ddTHH:mm:ss.fffZ}#{Counter}@{NodeId}";
}
