namespace Mesh.Node;

/// <summary>Live counters of one node, for progress displays and status endpoints. Thread-safe.</summary>
public sealed class NodeStats
{
    private long _accepted;
    private long _duplicates;
    private long _decisions;
    private long _actions;
    private long _rejected;
    private long _hubAcked;
    private long _syncFailures;

    public long Accepted => Interlocked.Read(ref _accepted);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Decisions => Interlocked.Read(ref _decisions);
    public long Actions => Interlocked.Read(ref _actions);
    public long Rejected => Interlocked.Read(ref _rejected);
    public long HubAcked => Interlocked.Read(ref _hubAcked);
    public long SyncFailures => Interlocked.Read(ref _syncFailures);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);
    internal void CountDuplicate() => Interlocked.Increment(ref _duplicates);
    internal void CountDecisions(int n) => Interlocked.Add(ref _decisions, n);
    internal void CountActions(int n) => Interlocked.Add(ref _actions, n);
    internal void CountRejected() => Interlocked.Increment(ref _rejected);
    internal void CountSyncFailure() => Interlocked.Increment(ref _syncFailures);
    internal void SetHubAcked(long seq) => Interlocked.Exchange(ref _hubAcked, seq);
}
