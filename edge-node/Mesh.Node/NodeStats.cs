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
    private long _approvalsRequested;
    private long _approvalsGranted;
    private long _approvalsDenied;
    private long _approvalsTimedOut;
    private long _approvalsStale;
    private long _takeovers;
    private long _conflicts;

    public long Accepted => Interlocked.Read(ref _accepted);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Decisions => Interlocked.Read(ref _decisions);
    public long Actions => Interlocked.Read(ref _actions);
    public long Rejected => Interlocked.Read(ref _rejected);
    public long HubAcked => Interlocked.Read(ref _hubAcked);
    public long SyncFailures => Interlocked.Read(ref _syncFailures);
    public long ApprovalsRequested => Interlocked.Read(ref _approvalsRequested);
    public long ApprovalsGranted => Interlocked.Read(ref _approvalsGranted);
    public long ApprovalsDenied => Interlocked.Read(ref _approvalsDenied);
    public long ApprovalsTimedOut => Interlocked.Read(ref _approvalsTimedOut);
    public long ApprovalsStale => Interlocked.Read(ref _approvalsStale);

    /// <summary>Devices this member took over from another member of its site (multi-node sites).</summary>
    public long Takeovers => Interlocked.Read(ref _takeovers);

    /// <summary>Conflicts over a device's commands this node took part in and recorded.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    internal void CountAccepted() => Interlocked.Increment(ref _accepted);
    internal void CountDuplicate() => Interlocked.Increment(ref _duplicates);
    internal void CountDecisions(int n) => Interlocked.Add(ref _decisions, n);
    internal void CountActions(int n) => Interlocked.Add(ref _actions, n);
    internal void CountRejected() => Interlocked.Increment(ref _rejected);
    internal void CountSyncFailure() => Interlocked.Increment(ref _syncFailures);
    internal void CountApprovalRequested() => Interlocked.Increment(ref _approvalsRequested);
    internal void CountTakeover() => Interlocked.Increment(ref _takeovers);
    internal void CountConflict() => Interlocked.Increment(ref _conflicts);

    /// <summary>Counts a settled approval by its recorded outcome.</summary>
    internal void CountApprovalSettled(string outcome)
    {
        switch (outcome)
        {
            case "granted" or "locally-approved":
                Interlocked.Increment(ref _approvalsGranted);
                break;
            case "denied" or "offline-denied":
                Interlocked.Increment(ref _approvalsDenied);
                break;
            case "stale":
                Interlocked.Increment(ref _approvalsStale);
                break;
            default:
                Interlocked.Increment(ref _approvalsTimedOut);
                break;
        }
    }

    internal void SetHubAcked(long seq) => Interlocked.Exchange(ref _hubAcked, seq);
}
