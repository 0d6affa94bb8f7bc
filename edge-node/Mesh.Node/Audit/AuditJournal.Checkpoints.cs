using Mesh.Node.Identity;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Audit;

/// <summary>
/// Signed checkpoints (<see cref="AuditKind.Checkpoint"/>): the writer signs the chain head with the node's key and
/// appends the signature as a record of the chain. Three triggers: the commit that brings the unsigned records to
/// <see cref="JournalOptions.CheckpointEveryRecords"/> carries one in the same transaction (so the journal never holds
/// that many unsigned); a timer every <see cref="JournalOptions.CheckpointEvery"/> asks for one when anything was written;
/// clean shutdown writes one. A checkpoint is never written over records found at open, unsigned, unless the interval's
/// worth of new records is reached: the node does not vouch for a tail it did not just write.
/// </summary>
public sealed partial class AuditJournal
{
    private readonly NodeKey? _checkpointKey;
    private Timer? _checkpointTimer;
    private int _everyRecords;

    /// <summary>Records written since the last checkpoint (writer thread only, but read by the timer).</summary>
    private long _sinceCheckpoint;

    /// <summary>The fingerprint of the key checkpoints are signed with; null when the journal writes none.</summary>
    public string? CheckpointFingerprint => _checkpointKey?.Fingerprint;

    private bool CheckpointDue => _checkpointKey is not null && _sinceCheckpoint >= _everyRecords;

    /// <summary>At open: how many records follow the last checkpoint, and the interval. The interval is at most the one
    /// the last checkpoint states, so a larger one configured since never leaves more unsigned than that checkpoint
    /// promised a verifier.</summary>
    private void RestoreCheckpoints()
    {
        if (_checkpointKey is null)
            return;
        _everyRecords = _options.CheckpointEveryRecords;
        var last = AuditJournalStore.ReadLastOfKind(_conn, AuditKind.Checkpoint);
        if (last is not null && AuditCheckpoint.Read(last, out _) is { EveryRecords: > 0 } body)
            _everyRecords = Math.Min(_everyRecords, body.EveryRecords);
        _sinceCheckpoint = _head.Sequence - (last?.Sequence ?? Boundary.Through);
        _checkpointTimer = new Timer(static state => ((AuditJournal)state!).QueueCheckpointTick(), this, _options.CheckpointEvery, _options.CheckpointEvery);
    }

    /// <summary>Signs the tail now when anything was written since the last checkpoint, and completes once that is
    /// durable; the head it reports includes the checkpoint. Once done, no timed checkpoint follows until something new
    /// is written: the journal holds still (the demo and tests settle a node this way before comparing it with the hub).</summary>
    public Task<AppendResult> CheckpointNowAsync()
    {
        var request = new AppendRequest([], false, SignNow: true);
        if (!_queue.Writer.TryWrite(request))
            return Task.FromException<AppendResult>(new ObjectDisposedException(nameof(AuditJournal), "the audit journal is closed"));
        return request.Completion.Task;
    }

    private void QueueCheckpointTick()
    {
        if (Interlocked.Read(ref _sinceCheckpoint) > 0)
            _queue.Writer.TryWrite(AppendRequest.CheckpointTick);
    }

    /// <summary>Signs the head and appends the checkpoint in the open transaction (writer thread).</summary>
    private void WriteCheckpoint()
    {
        var key = _checkpointKey!;
        var record = AuditCheckpoint.CreateRecord(_nodeId, _site, _clock.Now(), _head, key.PublicKeyDer, data => key.Sign(data), _everyRecords);
        Insert(record);
        Interlocked.Exchange(ref _sinceCheckpoint, 0);
    }

    /// <summary>A checkpoint in a transaction of its own, when anything was written since the last one (timer and
    /// shutdown). A failure is logged; the next trigger tries again.</summary>
    private void CommitCheckpoint()
    {
        if (_checkpointKey is null || _sinceCheckpoint == 0)
            return;
        var before = _head;
        var since = _sinceCheckpoint;
        try
        {
            using (var tx = _conn.BeginTransaction())
            {
                _insert.Transaction = tx;
                WriteCheckpoint();
                tx.Commit();
            }
            Volatile.Write(ref _committedHead, _head.Sequence);
            _headChanged.Pulse();
        }
        catch (Exception ex)
        {
            _head = before;
            Interlocked.Exchange(ref _sinceCheckpoint, since);
            AuditJournalLog.CheckpointFailed(_logger, ex, before.Sequence, Path);
        }
    }
}
