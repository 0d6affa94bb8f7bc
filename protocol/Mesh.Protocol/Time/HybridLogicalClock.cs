namespace Mesh.Protocol.Time;

/// <summary>
/// Hybrid logical clock (Kulkarni et al., 2014). Stamps never go backwards, even when the wall clock
/// steps back: the physical part holds at its high-water mark and the counter advances instead.
/// Thread-safe.
/// </summary>
public sealed class HybridLogicalClock
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _wall;
    private int _counter;

    public HybridLogicalClock(string nodeId, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        NodeId = nodeId;
        _time = time ?? TimeProvider.System;
    }

    public string NodeId { get; }

    /// <summary>The last stamp issued or observed.</summary>
    public HlcTimestamp Last
    {
        get { lock (_gate) return new HlcTimestamp(_wall, _counter, NodeId); }
    }

    /// <summary>Stamps a local event.</summary>
    public HlcTimestamp Now()
    {
        var physical = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (physical > _wall)
            {
                _wall = physical;
                _counter = 0;
            }
            else
            {
                _counter = checked(_counter + 1);
            }
            return new HlcTimestamp(_wall, _counter, NodeId);
        }
    }

    /// <summary>Merges a stamp received from another node and stamps the receive event.</summary>
    public HlcTimestamp Observe(HlcTimestamp remote)
    {
        var physical = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            var wall = Math.Max(Math.Max(_wall, remote.WallMillis), physical);
            if (wall == _wall && wall == remote.WallMillis)
                _counter = checked(Math.Max(_counter, remote.Counter) + 1);
            else if (wall == _wall)
                _counter = checked(_counter + 1);
            else if (wall == remote.WallMillis)
                _counter = checked(remote.Counter + 1);
            else
                _counter = 0;
            _wall = wall;
            return new HlcTimestamp(_wall, _counter, NodeId);
        }
    }

    /// <summary>Restores the clock's high-water mark after a restart so stamps stay monotonic across runs.</summary>
    public void Restore(HlcTimestamp last)
    {
        lock (_gate)
        {
            if (last.WallMillis > _wall || (last.WallMillis == _wall && last.Counter > _counter))
            {
                _wall = last.WallMillis;
                _counter = last.Counter;
            }
        }
    }
}
