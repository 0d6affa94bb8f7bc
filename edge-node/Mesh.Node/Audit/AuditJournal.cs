using System.Threading.Channels;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Audit;

/// <summary>
/// The node's append-only, hash-chained audit journal. One writer task owns the file and the chain head;
/// appends queue up and are committed together (group commit), so many devices share one fsync.
/// Invariants: sequences are gap-free and strictly increasing; a record's task completes only after the
/// transaction holding it has committed; a failed transaction leaves the head as it was.
/// </summary>
public sealed partial class AuditJournal : IAsyncDisposable
{
    private readonly Channel<AppendRequest> _queue = Channel.CreateUnbounded<AppendRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _conn;
    private readonly HybridLogicalClock _clock;
    private readonly JournalOptions _options;
    private readonly ILogger _logger;
    private readonly string _nodeId;
    private readonly string _site;
    private readonly Task _writer;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _exists;
    private readonly JournalPruner _pruner;
    private ChainHead _head;
    private long _committedHead;
    private readonly AsyncSignal _headChanged = new();

    /// <param name="checkpointKey">The node's key, to sign <see cref="AuditKind.Checkpoint"/> records with
    /// (<c>AuditJournal.Checkpoints.cs</c>); null writes none.</param>
    public AuditJournal(string path, string nodeId, string site, HybridLogicalClock clock, JournalOptions options, ILogger<AuditJournal> logger,
        Mesh.Node.Identity.NodeKey? checkpointKey = null)
    {
        Path = path;
        _nodeId = nodeId;
        _site = site;
        _clock = clock;
        _options = options;
        _logger = logger;
        try
        {
            _conn = AuditJournalStore.OpenWriter(path);
            (_head, _pruner) = Open(path, nodeId, options);
        }
        catch (SqliteException ex) when (JournalDamagedException.IsDamage(ex))
        {
            _conn?.Dispose();
            throw new JournalDamagedException(path, ex);
        }
        _committedHead = _head.Sequence;
        _insert = _conn.CreateCommand();
        _insert.CommandText = AuditJournalStore.InsertSql;
        foreach (var p in new[] { "$seq", "$kind", "$device", "$key", "$canonical", "$hash" })
            _insert.Parameters.Add(new SqliteParameter { ParameterName = p });
        _exists = _conn.CreateCommand();
        _exists.CommandText = "SELECT 1 FROM audit WHERE message_key = $key AND kind = $kind LIMIT 1";
        _exists.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
        _exists.Parameters.Add(new SqliteParameter { ParameterName = "$kind" });
        _checkpointKey = checkpointKey;
        RestoreCheckpoints();
        _writer = Task.Factory.StartNew(WriteLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Reads the head (checking the last record against its hash) and the pruning and budget state: every
    /// first read of the file, so a damaged page among them is found here, before the node starts.</summary>
    private (ChainHead Head, JournalPruner Pruner) Open(string path, string nodeId, JournalOptions options)
    {
        var last = AuditJournalStore.ReadLast(_conn);
        var head = ChainHead.Genesis;
        if (last is not null)
        {
            var check = AuditRecordCodec.ComputeHash(AuditRecordCodec.Encode(last));
            if (!check.AsSpan().SequenceEqual(last.Hash.Span))
                throw new InvalidOperationException($"audit journal {path}: the last record (sequence {last.Sequence}) does not match its hash; run 'mesh audit verify --journal {path}'");
            if (last.NodeId != nodeId)
                throw new InvalidOperationException($"audit journal {path} belongs to node '{last.NodeId}', not '{nodeId}'");
            _clock.Restore(last.Hlc);
            head = new ChainHead(last.Sequence, last.Hash);
        }
        var pruner = new JournalPruner(_conn, options.RedeliveryWindow);
        RestoreBudget();
        return (head, pruner);
    }

    public string Path { get; }

    /// <summary>The highest committed (durable) sequence.</summary>
    public long Head => Volatile.Read(ref _committedHead);

    /// <summary>Appends drafts in order. With <paramref name="skipExisting"/>, a draft whose (message key, kind) is
    /// already in the journal is skipped: this is how a redelivered input is recorded once.</summary>
    public Task<AppendResult> AppendAsync(IReadOnlyList<AuditDraft> drafts, bool skipExisting = false)
    {
        var request = new AppendRequest(drafts, skipExisting);
        if (!_queue.Writer.TryWrite(request))
            return Task.FromException<AppendResult>(new ObjectDisposedException(nameof(AuditJournal), "the audit journal is closed"));
        return request.Completion.Task;
    }

    /// <summary>Completes when the committed head moves past <paramref name="seq"/> or the token fires.</summary>
    public async Task WaitForHeadAboveAsync(long seq, CancellationToken ct)
    {
        while (Head <= seq)
        {
            var changed = _headChanged.WaitAsync();
            if (Head > seq) return;
            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<AppendRequest>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var records = 0;
            var tick = false;
            List<AppendRequest>? signNow = null;
            while (records < _options.MaxBatchRecords && reader.TryRead(out var request))
            {
                if (request.SignNow)
                {
                    (signNow ??= []).Add(request);
                    tick = true;
                    continue;
                }
                if (ReferenceEquals(request, AppendRequest.Housekeeping))
                    continue;
                if (ReferenceEquals(request, AppendRequest.CheckpointTick))
                {
                    tick = true;
                    continue;
                }
                batch.Add(request);
                records += request.Drafts.Count;
            }
            if (batch.Count > 0)
                Commit(batch);
            if (tick)
                CommitCheckpoint();
            foreach (var request in signNow ?? [])
                request.Completion.TrySetResult(new AppendResult(_head.Sequence, 0, 0));
            Housekeep();
        }
    }

    private void Commit(List<AppendRequest> batch)
    {
        var before = _head;
        var sinceBefore = _sinceCheckpoint;
        var results = new AppendResult[batch.Count];
        try
        {
            using (var tx = _conn.BeginTransaction())
            {
                _insert.Transaction = tx;
                _exists.Transaction = tx;
                for (var i = 0; i < batch.Count; i++)
                    results[i] = Write(batch[i]);
                if (CheckpointDue)
                    WriteCheckpoint();
                tx.Commit();
            }
            Volatile.Write(ref _committedHead, _head.Sequence);
            _headChanged.Pulse();
            for (var i = 0; i < batch.Count; i++)
                batch[i].Completion.TrySetResult(results[i]);
            if (Telemetry.NodeTelemetry.JournalAppend.Enabled)
                RecordLatency(batch);
        }
        catch (Exception ex)
        {
            _head = before;
            _sinceCheckpoint = sinceBefore;
            AuditJournalLog.CommitFailed(_logger, ex, batch.Count, Path);
            foreach (var request in batch)
                request.Completion.TrySetException(new InvalidOperationException($"audit journal commit failed: {ex.Message}", ex));
        }
    }

    private void RecordLatency(List<AppendRequest> batch)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var tag = Telemetry.NodeTelemetry.Tag(_nodeId);
        foreach (var request in batch)
            Telemetry.NodeTelemetry.JournalAppend.Record(System.Diagnostics.Stopwatch.GetElapsedTime(request.Enqueued, now).TotalSeconds, tag);
    }

    private AppendResult Write(AppendRequest request)
    {
        int appended = 0, skipped = 0;
        foreach (var d in request.Drafts)
        {
            if (request.SkipExisting && Exists(d))
            {
                skipped++;
                continue;
            }
            var record = new AuditRecord
            {
                Sequence = _head.Sequence + 1,
                Kind = d.Kind,
                Hlc = _clock.Now(),
                NodeId = _nodeId,
                Site = _site,
                Device = d.Device,
                MessageKey = d.MessageKey,
                InputDigest = d.InputDigest,
                Route = d.Route,
                PolicyVersion = d.PolicyVersion,
                Rule = d.Rule,
                Decision = d.Decision,
                Outcome = d.Outcome,
                Body = d.Body,
                PreviousHash = _head.Hash,
            };
            Insert(record);
            Interlocked.Increment(ref _sinceCheckpoint);
            appended++;
        }
        return new AppendResult(_head.Sequence, appended, skipped);
    }

    /// <summary>Inserts a record that follows the head (in the open transaction) and moves the head to it.</summary>
    private void Insert(AuditRecord record)
    {
        var canonical = AuditRecordCodec.Encode(record);
        var hash = AuditRecordCodec.ComputeHash(canonical);
        _insert.Parameters[0].Value = record.Sequence;
        _insert.Parameters[1].Value = (int)record.Kind;
        _insert.Parameters[2].Value = record.Device;
        _insert.Parameters[3].Value = record.MessageKey;
        _insert.Parameters[4].Value = canonical;
        _insert.Parameters[5].Value = hash;
        _insert.ExecuteNonQuery();
        _head = new ChainHead(record.Sequence, hash);
    }

    private bool Exists(AuditDraft d)
    {
        _exists.Parameters[0].Value = d.MessageKey;
        _exists.Parameters[1].Value = (int)d.Kind;
        return _exists.ExecuteScalar() is not null || _pruner.WasPruned(d);
    }

    public async ValueTask DisposeAsync()
    {
        if (_checkpointTimer is not null)
            await _checkpointTimer.DisposeAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        // Clean shutdown: the writer has stopped, so this thread may sign the tail.
        CommitCheckpoint();
        _insert.Dispose();
        _exists.Dispose();
        await _conn.DisposeAsync().ConfigureAwait(false);
    }

    /// <param name="SignNow">Sign the tail now (<see cref="CheckpointNowAsync"/>); carries no drafts.</param>
    private sealed record AppendRequest(IReadOnlyList<AuditDraft> Drafts, bool SkipExisting, bool SignNow = false)
    {
        /// <summary>Wakes the writer to check the disk budget (the hub acknowledged more); appends nothing.</summary>
        public static readonly AppendRequest Housekeeping = new([], false);

        /// <summary>Wakes the writer to sign the tail when anything was written since the last checkpoint.</summary>
        public static readonly AppendRequest CheckpointTick = new([], false);

        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When the append was asked for (<see cref="System.Diagnostics.Stopwatch"/> ticks): its latency runs from here.</summary>
        public long Enqueued { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    }
}
