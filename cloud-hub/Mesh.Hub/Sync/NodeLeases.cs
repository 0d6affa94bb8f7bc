using System.Collections.Concurrent;

namespace Mesh.Hub.Sync;

/// <summary>
/// One sync stream per node at a time, newest wins: acquiring a node's lease cancels the stream that
/// holds it (and any older waiter), then waits until that stream has let go. A node reconnects after its
/// old TCP connection died without the hub noticing, so the new stream must not wait on the old one;
/// and a batch the old stream is committing finishes first, so the new stream's hello ack includes it.
/// </summary>
public sealed class NodeLeases
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <exception cref="OperationCanceledException">The caller was cancelled, or superseded while waiting.</exception>
    public async Task<NodeLease> AcquireAsync(string nodeId, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(nodeId, _ => new Slot());
        // Never disposed: they own no timer or wait handle, and a newer acquirer may still cancel one.
        var mine = new CancellationTokenSource();
        CancellationTokenSource? older;
        lock (slot)
        {
            older = slot.Newest;
            slot.Newest = mine;
        }
        // Outside the lock: cancellation runs the older stream's callbacks, which release through Forget.
        older?.Cancel();
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, mine.Token);
        try
        {
            await slot.Gate.WaitAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Forget(slot, mine);
            throw;
        }
        return new NodeLease(mine.Token, () =>
        {
            Forget(slot, mine);
            slot.Gate.Release();
        });
    }

    /// <summary>True while a stream of <paramref name="nodeId"/> holds or waits for its lease.</summary>
    public bool IsHeld(string nodeId)
    {
        if (!_slots.TryGetValue(nodeId, out var slot))
            return false;
        lock (slot)
            return slot.Newest is not null;
    }

    private static void Forget(Slot slot, CancellationTokenSource mine)
    {
        lock (slot)
        {
            if (ReferenceEquals(slot.Newest, mine))
                slot.Newest = null;
        }
    }

    private sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public CancellationTokenSource? Newest { get; set; }
    }
}
