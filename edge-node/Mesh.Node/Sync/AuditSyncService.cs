using Google.Protobuf;
using Grpc.Core;
using Mesh.Node.Audit;
using Mesh.Protocol.Grpc;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Sync;

/// <summary>
/// Streams the audit journal to the hub and resumes from the hub's acknowledgement after any disconnect.
/// It reads the journal file through its own read-only connection (WAL lets it read while ingest writes),
/// so a slow or absent hub never slows ingest: the backlog simply waits on disk (within <c>Node:Journal:DiskBudgetBytes</c>,
/// which the hub's acknowledgements free). Reconnects are spread and catch-up is paced (<see cref="ReconnectDelay"/>,
/// <see cref="CatchUpPacer"/>), so a fleet returning from an outage does not storm its hub.
/// </summary>
public sealed partial class AuditSyncService : BackgroundService
{
    /// <summary>This build's version as the hub's fleet view shows it (the assembly's informational version, without
    /// the source revision suffix).</summary>
    private static readonly string NodeVersion =
        (typeof(AuditSyncService).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown").Split('+')[0];

    private readonly NodeOptions _options;
    private readonly AuditJournal _journal;
    private readonly NodeStats _stats;
    private readonly ILogger<AuditSyncService> _logger;
    private readonly HubChannel _hub;
    private readonly AsyncSignal _ackArrived = new();
    private long _acked;

    public AuditSyncService(IOptions<NodeOptions> options, HubChannel hub, AuditJournal journal, NodeStats stats, ILogger<AuditSyncService> logger)
    {
        _options = options.Value;
        _hub = hub;
        _journal = journal;
        _stats = stats;
        _logger = logger;
    }

    /// <summary>The highest sequence the hub has acknowledged as durable.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_hub.Configured)
        {
            SyncLog.Disabled(_logger);
            return;
        }
        var client = new AuditSync.AuditSyncClient(_hub.Channel);
        using var reader = AuditJournalStore.OpenReader(_journal.Path);
        var retry = _hub.Retry(stoppingToken, args =>
        {
            _stats.CountSyncFailure();
            SyncLog.Retrying(_logger, _options.Sync.HubUrl, args.RetryDelay, Describe(args.Outcome.Exception));
            return ValueTask.CompletedTask;
        });

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A session that made progress returns normally, so the next failure starts from the shortest delay.
                await retry.ExecuteAsync(async ct => await RunSessionAsync(client, reader, ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
                // It was interrupted all the same: a hub restart cuts every node at once, so spread the return.
                await Task.Delay(ReconnectDelay.First(_options.Sync, Random.Shared), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                return;
            }
        }
    }

    private async Task RunSessionAsync(AuditSync.AuditSyncClient client, SqliteConnection reader, CancellationToken ct)
    {
        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = client.Sync(cancellationToken: sessionCts.Token);
        await call.RequestStream.WriteAsync(new NodeMessage
        {
            Hello = new SyncHello
            {
                NodeId = _options.NodeId, Site = _options.Site, LastAckedSeq = (ulong)Acked, HeadSeq = (ulong)_journal.Head,
                Profile = _options.Profile, Version = NodeVersion,
            },
        }, ct).ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(ct).ConfigureAwait(false) || call.ResponseStream.Current.Ack is null)
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub closed the stream without acknowledging the hello"));
        var hello = call.ResponseStream.Current.Ack;
        var start = (long)hello.AckedSeq;
        if (start > _journal.Head)
            throw new InvalidOperationException($"the hub holds {start} records of node {_options.NodeId} but this journal ends at {_journal.Head}: was the journal replaced?");
        var boundary = _journal.Boundary;
        if (start < boundary.Through)
            throw new InvalidOperationException($"the hub holds only {start} records of node {_options.NodeId}, but this journal pruned records 1..{boundary.Through} after the hub acknowledged them: the hub lost records it had acknowledged (restore its database); this node cannot send them again");
        if (start > 0 && (AuditJournalStore.ReadHash(reader, start) ?? (start == boundary.Through ? boundary.Hash.ToArray() : null)) is { } ours
            && !hello.AckedHash.Span.SequenceEqual(ours))
            throw new InvalidOperationException($"fork: the hub's record {start} of node {_options.NodeId} has hash {Mesh.Protocol.Audit.ChainVerifier.Hex(hello.AckedHash.Span)}, this journal's has {Mesh.Protocol.Audit.ChainVerifier.Hex(ours)}: was the journal replaced?");
        SetAcked(start, fromHello: true);
        SyncLog.Connected(_logger, _options.Sync.HubUrl, start, _journal.Head);

        var acks = ReadAcksAsync(call.ResponseStream, sessionCts.Token);
        try
        {
            await SendLoopAsync(call.RequestStream, reader, start, acks, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && Acked > start)
        {
            // The hub took records in this session: reconnect at once rather than after a grown back-off.
            _stats.CountSyncFailure();
            SyncLog.Interrupted(_logger, _options.Sync.HubUrl, Acked, Describe(ex));
        }
        finally
        {
            await sessionCts.CancelAsync().ConfigureAwait(false);
            try { await acks.ConfigureAwait(false); } catch (Exception) when (sessionCts.IsCancellationRequested) { }
        }
    }

    private async Task SendLoopAsync(IClientStreamWriter<NodeMessage> requests, SqliteConnection reader, long sent, Task acks, CancellationToken ct)
    {
        var window = (long)_options.Sync.BatchSize * _options.Sync.MaxBatchesInFlight;
        var pacer = new CatchUpPacer(_options.Sync.MaxCatchUpRecordsPerSecond, TimeProvider.System);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var ackWait = _ackArrived.WaitAsync();
            if (sent - Acked >= window)
            {
                await Task.WhenAny(ackWait, acks).ConfigureAwait(false);
                await RethrowIfEnded(acks).ConfigureAwait(false);
                continue;
            }
            var rows = AuditJournalStore.ReadAfter(reader, sent, _options.Sync.BatchSize);
            if (rows.Count == 0)
            {
                await Task.WhenAny(_journal.WaitForHeadAboveAsync(sent, ct), acks).ConfigureAwait(false);
                await RethrowIfEnded(acks).ConfigureAwait(false);
                continue;
            }
            // Records behind the head are catch-up (a backlog from an outage): paced. The live tail goes at once.
            if (rows[^1].Seq < _journal.Head && pacer.Reserve(rows.Count) is var wait && wait > TimeSpan.Zero)
                await Task.Delay(wait, ct).ConfigureAwait(false);
            var batch = new AuditBatch { HeadSeq = (ulong)_journal.Head };
            foreach (var row in rows)
                batch.Records.Add(new AuditRecordEnvelope { Canonical = UnsafeByteOperations.UnsafeWrap(row.Canonical), Hash = UnsafeByteOperations.UnsafeWrap(row.Hash) });
            await requests.WriteAsync(new NodeMessage { Batch = batch }, ct).ConfigureAwait(false);
            CountBatch(batch.Records.Count);
            sent = rows[^1].Seq;
        }
    }

    private async Task ReadAcksAsync(IAsyncStreamReader<HubMessage> responses, CancellationToken ct)
    {
        while (await responses.MoveNext(ct).ConfigureAwait(false))
        {
            if (responses.Current.Ack is { } ack)
                SetAcked((long)ack.AckedSeq);
        }
        throw new RpcException(new Status(StatusCode.Unavailable, "the hub ended the sync stream"));
    }

    private static async Task RethrowIfEnded(Task acks)
    {
        if (acks.IsCompleted)
            await acks.ConfigureAwait(false);
    }

    /// <param name="fromHello">The hub's stored head as it says now: it replaces what the journal knew (a hub restored
    /// from an older backup must get those records again, so they must not be pruned).</param>
    private void SetAcked(long seq, bool fromHello = false)
    {
        Interlocked.Exchange(ref _acked, seq);
        _stats.SetHubAcked(seq);
        _journal.NoteHubAck(seq, fromHello);
        _ackArrived.Pulse();
    }

    internal static string Describe(Exception? ex) => ex switch
    {
        null => "unknown error",
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => ex.Message,
    };

    private static partial class SyncLog
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Sync disabled: Node:Sync:HubUrl is empty; the audit backlog stays on disk")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Sync connected to {Hub}: hub has up to {Acked}, journal head {Head}")]
        public static partial void Connected(ILogger logger, string hub, long acked, long head);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Sync to {Hub} interrupted after ack {Acked} ({Reason}); reconnecting")]
        public static partial void Interrupted(ILogger logger, string hub, long acked, string reason);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Sync to {Hub} failed ({Reason}); retrying in {Delay}")]
        public static partial void Retrying(ILogger logger, string hub, TimeSpan delay, string reason);
    }

    private void CountBatch(int records)
    {
        var tag = Telemetry.NodeTelemetry.Tag(_options.NodeId);
        Telemetry.NodeTelemetry.SyncBatches.Add(1, tag);
        Telemetry.NodeTelemetry.SyncRecords.Add(records, tag);
    }
}
