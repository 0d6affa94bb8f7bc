using System.Threading.Channels;
using Grpc.Core;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Control;

/// <summary>
/// One Watch stream's queue of live control messages, bounded: a subscriber that falls a whole queue behind
/// is cut off rather than slowing the publisher or the other subscribers. Its queue ends with
/// <see cref="OverflowError"/>, so a node that is slow but alive reads what was queued and then that status;
/// a stream still stuck in a write <see cref="StuckWriteGrace"/> later is abandoned (<see cref="Abandon"/>),
/// which resets it. Disposing unsubscribes.
/// </summary>
public sealed class ControlSubscription : IDisposable
{
    /// <summary>How long a cut-off stream may take to finish the write it is blocked in.</summary>
    public static readonly TimeSpan StuckWriteGrace = TimeSpan.FromSeconds(10);

    private readonly Channel<ControlMessage> _queue;
    // Never disposed: a publisher may still arm it while the stream unsubscribes; its timer fires once and is gone.
    private readonly CancellationTokenSource _abandon = new();
    private int _overflowed;
    private readonly Action<ControlSubscription> _unsubscribe;

    internal ControlSubscription(string nodeId, string site, int capacity, Action<ControlSubscription> unsubscribe)
    {
        NodeId = nodeId;
        Site = site;
        Capacity = capacity;
        _unsubscribe = unsubscribe;
        _queue = Channel.CreateBounded<ControlMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string NodeId { get; }

    public string Site { get; }

    public int Capacity { get; }

    public ChannelReader<ControlMessage> Reader => _queue.Reader;

    /// <summary>Whether the queue overflowed; the stream must end with <see cref="OverflowError"/>.</summary>
    public bool Overflowed => Volatile.Read(ref _overflowed) != 0;

    /// <summary>Cancelled <see cref="StuckWriteGrace"/> after an overflow: stop waiting on the node.</summary>
    public CancellationToken Abandon => _abandon.Token;

    public RpcException OverflowError => new(new Status(StatusCode.ResourceExhausted,
        $"this watch stream fell {Capacity} message(s) behind (Hub:WatchQueueCapacity); reconnect to get a fresh snapshot"));

    /// <summary>Queues a message without waiting. Returns false only on the call that found the queue full
    /// (and cut the subscriber off); later calls on a cut-off subscriber drop silently.</summary>
    internal bool Offer(ControlMessage message)
    {
        if (_queue.Writer.TryWrite(message))
            return true;
        if (!_queue.Writer.TryComplete(OverflowError))
            return true;
        Volatile.Write(ref _overflowed, 1);
        _abandon.CancelAfter(StuckWriteGrace);
        return false;
    }

    public void Dispose()
    {
        _unsubscribe(this);
        _queue.Writer.TryComplete();
    }
}
