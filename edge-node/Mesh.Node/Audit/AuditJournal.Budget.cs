using System.Diagnostics;
using Mesh.Protocol.Audit;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Audit;

/// <summary>
/// The disk budget (<c>Node:Journal:DiskBudgetBytes</c>), kept by the writer thread after every commit. At
/// <see cref="PruneAt"/> of the budget it prunes records the hub acknowledged, oldest first, down to
/// <see cref="PruneTo"/>, one chunk per turn so appends go on in between. When the journal still reaches the budget — the unacknowledged backlog alone fills it — it
/// records <see cref="AuditKind.BacklogFull"/> once and <see cref="BacklogFull"/> turns true: ingest then stops
/// acknowledging readings (devices keep and resend them), so nothing acknowledged is ever dropped. Once pruning has
/// brought it below <see cref="ResumeBelow"/>, it records <see cref="AuditKind.BacklogResumed"/> and ingest goes on.
/// Size is the pages in use ((page_count − freelist_count) × page_size): freed pages stop counting at once. The
/// write-ahead log comes on top, checkpointed and truncated at a quarter of the budget (4 MiB at most).
/// </summary>
public sealed partial class AuditJournal
{
    private const double PruneAt = 0.9;
    private const double PruneTo = 0.7;
    private const double ResumeBelow = 0.9;

    private long _hubAcked;
    private long _usedBytes;
    private bool _full;
    private long _fullSince;
    private int _housekeepingQueued;

    /// <summary>The boundary when the current pruning episode began, or −1 between episodes; and what it deleted so far.</summary>
    private long _pruneFrom = -1;
    private long _pruned;
    private long _pruneNotBefore;
    private static readonly TimeSpan PruneRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>True while the unacknowledged backlog fills the disk budget: new readings must not be acknowledged.</summary>
    public bool BacklogFull => Volatile.Read(ref _full);

    /// <summary>Bytes of the journal's pages in use, as of the last commit (0 without a budget).</summary>
    public long UsedBytes => Volatile.Read(ref _usedBytes);

    /// <summary>Where the journal starts if it was pruned (<see cref="JournalBoundary.None"/> otherwise).</summary>
    public JournalBoundary Boundary => _pruner.Boundary;

    /// <summary>The highest sequence the hub acknowledged that this journal knows of (kept across restarts as of the
    /// last pruning). Records up to it may be pruned.</summary>
    public long HubAcked => Interlocked.Read(ref _hubAcked);

    /// <summary>Tells the journal the hub holds every record up to <paramref name="seq"/> durably. Wakes the writer
    /// to prune when the budget needs it.</summary>
    /// <param name="replace">The hub's word as a stream starts: it replaces what was known, even when lower.</param>
    public void NoteHubAck(long seq, bool replace = false)
    {
        long known;
        if (replace)
            Interlocked.Exchange(ref _hubAcked, seq);
        else
            while (seq > (known = Interlocked.Read(ref _hubAcked)) && Interlocked.CompareExchange(ref _hubAcked, seq, known) != known)
            {
            }
        if (_options.DiskBudgetBytes > 0 && (BacklogFull || UsedBytes >= _options.DiskBudgetBytes * PruneAt))
            QueueHousekeeping();
    }

    private void QueueHousekeeping()
    {
        if (Interlocked.Exchange(ref _housekeepingQueued, 1) == 0 && !_queue.Writer.TryWrite(AppendRequest.Housekeeping))
            Volatile.Write(ref _housekeepingQueued, 0);
    }

    /// <summary>At open: the hub's acknowledgement as last stored, and whether the last episode of a full backlog ended.</summary>
    private void RestoreBudget()
    {
        _hubAcked = AuditJournalStore.ReadHubAcked(_conn);
        var full = AuditJournalStore.ReadLastOfKind(_conn, AuditKind.BacklogFull)?.Sequence ?? 0;
        var resumed = AuditJournalStore.ReadLastOfKind(_conn, AuditKind.BacklogResumed)?.Sequence ?? 0;
        _full = full > resumed;
        _fullSince = Stopwatch.GetTimestamp();
        if (_options.DiskBudgetBytes > 0)
            AuditJournalStore.LimitWal(_conn, _options.DiskBudgetBytes);
        if (_options.DiskBudgetBytes > 0 || _full)
        {
            _usedBytes = AuditJournalStore.UsedBytes(_conn);
            _queue.Writer.TryWrite(AppendRequest.Housekeeping);
        }
    }

    /// <summary>The writer thread, after a commit: prune if near the budget, then enter or leave the full state.</summary>
    private void Housekeep()
    {
        Volatile.Write(ref _housekeepingQueued, 0);
        var budget = _options.DiskBudgetBytes;
        if (budget == 0 && !_full)
            return;
        try
        {
            if (budget == 0)
            {
                // The budget was lifted while the backlog was full: nothing holds readings back any more.
                Resume(AuditJournalStore.UsedBytes(_conn), budget);
                return;
            }
            var used = AuditJournalStore.UsedBytes(_conn);
            var limit = Math.Min(HubAcked, _head.Sequence - 1);
            var target = (long)(budget * PruneTo);
            if ((_pruneFrom >= 0 || used >= budget * PruneAt) && limit > Boundary.Through && used > target
                && Stopwatch.GetTimestamp() >= _pruneNotBefore)
            {
                if (_pruneFrom < 0)
                    (_pruneFrom, _pruned) = (Boundary.Through, 0);
                _pruned += _pruner.PruneOnce(limit, HubAcked, used - target, used / (double)Math.Max(1, _head.Sequence - Boundary.Through));
                used = AuditJournalStore.UsedBytes(_conn);
                if (used > target && limit > Boundary.Through)
                    QueueHousekeeping();
                else
                    EndPruning(used, budget);
            }
            else if (_pruneFrom >= 0)
            {
                EndPruning(used, budget);
            }
            Volatile.Write(ref _usedBytes, used);
            if (!_full && used >= budget)
            {
                RecordOwn(BacklogRecords.Full(Figures(used)));
                Volatile.Write(ref _full, true);
                _fullSince = Stopwatch.GetTimestamp();
                AuditJournalLog.BacklogFull(_logger, used, budget, _head.Sequence - HubAcked, HubAcked);
            }
            else if (_full && used < budget * ResumeBelow)
            {
                Resume(used, budget);
            }
        }
        catch (Exception ex)
        {
            // Never let upkeep stop the writer. Each step is its own transaction, so the journal is as it was before it;
            // pruning rests a while rather than failing again at every commit.
            AuditJournalLog.HousekeepingFailed(_logger, ex, Path);
            _pruneNotBefore = Stopwatch.GetTimestamp() + (long)(PruneRetryAfter.TotalSeconds * Stopwatch.Frequency);
        }
    }

    private void EndPruning(long used, long budget)
    {
        _pruner.EndEpisode();
        AuditJournalLog.Pruned(_logger, _pruned, _pruneFrom + 1, Boundary.Through, used, budget);
        _pruneFrom = -1;
    }

    private void Resume(long used, long budget)
    {
        var held = Stopwatch.GetElapsedTime(_fullSince);
        RecordOwn(BacklogRecords.Resumed(Figures(used), held));
        Volatile.Write(ref _full, false);
        AuditJournalLog.BacklogResumed(_logger, used, budget, held);
    }

    private BacklogFigures Figures(long used) =>
        new(_options.DiskBudgetBytes, used, _head.Sequence, HubAcked, Boundary.Through);

    /// <summary>Appends one of the journal's own records, on the writer thread, as its own transaction.</summary>
    private void RecordOwn(AuditDraft draft)
    {
        var request = new AppendRequest([draft], false);
        Commit([request]);
        if (request.Completion.Task.IsFaulted)
            throw new InvalidOperationException($"could not record {draft.Kind}", request.Completion.Task.Exception?.InnerException);
    }
}
