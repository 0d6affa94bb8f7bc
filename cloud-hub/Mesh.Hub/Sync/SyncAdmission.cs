using Microsoft.Extensions.Options;

namespace Mesh.Hub.Sync;

/// <summary>
/// Admission control of <c>AuditSync</c> streams: at most <c>Hub:MaxSyncStreams</c> at once. A stream beyond it is
/// shed before it touches the store, with a jittered wait for the node (<see cref="RetryAfter"/>); a node replacing its
/// own stream (after a reconnect) always gets in, since the old one is about to end. Counts what it admitted and shed.
/// </summary>
public sealed class SyncAdmission(IOptions<HubOptions> options)
{
    private readonly int _max = options.Value.MaxSyncStreams;
    private readonly TimeSpan _retryAfter = options.Value.SyncRetryAfter;
    private int _active;
    private int _peak;
    private long _admitted;
    private long _shed;

    /// <summary>Takes a slot; null when the hub is full (the stream is then counted as shed).</summary>
    /// <param name="replacing">The node already holds a stream, which the new one supersedes.</param>
    public IDisposable? TryEnter(bool replacing)
    {
        var now = Interlocked.Increment(ref _active);
        if (now > _max && !replacing)
        {
            Interlocked.Decrement(ref _active);
            Interlocked.Increment(ref _shed);
            return null;
        }
        Interlocked.Increment(ref _admitted);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
        return new Slot(this);
    }

    /// <summary>The wait to tell a shed node: 50–150 % of <c>Hub:SyncRetryAfter</c>, drawn per refusal.</summary>
    public TimeSpan RetryAfter() => _retryAfter * (0.5 + Random.Shared.NextDouble());

    public SyncStatus Status => new(Volatile.Read(ref _active), _max, Volatile.Read(ref _peak), Interlocked.Read(ref _admitted), Interlocked.Read(ref _shed));

    private sealed class Slot(SyncAdmission owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                Interlocked.Decrement(ref owner._active);
        }
    }
}

/// <summary>The hub's sync streams now and since it started (<c>GET /api/sync/status</c>).</summary>
/// <param name="ActiveStreams">Streams being served now.</param>
/// <param name="MaxSyncStreams">The limit, <c>Hub:MaxSyncStreams</c>.</param>
/// <param name="PeakStreams">The most served at once since start.</param>
/// <param name="Admitted">Streams let in since start.</param>
/// <param name="Shed">Streams refused with <c>ResourceExhausted</c> since start.</param>
public sealed record SyncStatus(int ActiveStreams, int MaxSyncStreams, int PeakStreams, long Admitted, long Shed);
