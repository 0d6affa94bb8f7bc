using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Google.Protobuf;
using Mesh.Node.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mesh.Node.Sync;

/// <summary>
/// Publishes the audit journal to its site's JetStream stream (<c>Node:Sync:Transport=Nats</c>, docs/NATS.md): one
/// message per run of up to <c>NatsRecordsPerMessage</c> consecutive records (a protobuf <c>AuditBatch</c>), in journal
/// order, with up to BatchSize × MaxBatchesInFlight records awaiting their acknowledgement. <see cref="Acked"/> is the
/// highest sequence up to which every record is durable in the stream. Like the gRPC path it reads the journal
/// through its own read-only connection, so a slow or absent NATS never slows ingest: the backlog waits on disk.
/// After any failure it publishes again from <see cref="Acked"/>; the message id <c>&lt;node&gt;:&lt;first&gt;-&lt;last&gt;</c>
/// lets the stream drop a message it already holds, and the hub skips identical records that come again anyway (other
/// run boundaries, or after the stream's duplicate window).
/// </summary>
public sealed partial class NatsAuditPublisher : BackgroundService
{
    private readonly NodeOptions _options;
    private readonly HubChannel _hub;
    private readonly AuditJournal _journal;
    private readonly NodeStats _stats;
    private readonly ILogger<NatsAuditPublisher> _logger;
    private readonly string _stream;
    private readonly string _subject;
    private readonly string _cursorPath;
    private NatsSyncCursor _durable;
    private long _acked;
    private long _published;
    private long _publishedRecords;
    private long _cursorSavedAt;
    private readonly AsyncSignal _ackArrived = new();

    public NatsAuditPublisher(IOptions<NodeOptions> options, HubChannel hub, AuditJournal journal, NodeStats stats, ILogger<NatsAuditPublisher> logger)
    {
        _options = options.Value;
        _hub = hub;
        _journal = journal;
        _stats = stats;
        _logger = logger;
        _stream = NatsSubjects.Stream(_options.Site);
        _subject = NatsSubjects.Subject(_options.Site, _options.NodeId);
        _cursorPath = NatsSyncCursor.PathBeside(journal.Path);
    }

    /// <summary>The highest sequence up to which every record is durable in JetStream.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Messages this instance has published (republished ones included).</summary>
    internal long Published => Interlocked.Read(ref _published);

    /// <summary>Records in the messages this instance has published (republished ones included).</summary>
    internal long PublishedRecords => Interlocked.Read(ref _publishedRecords);

    private SyncOptions Sync => _options.Sync;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _durable = NatsSyncCursor.Load(_cursorPath, _journal.Head);
        using var reader = AuditJournalStore.OpenReader(_journal.Path);
        var retry = _hub.Retry(stoppingToken, args =>
        {
            _stats.CountSyncFailure();
            NatsSyncLog.Retrying(_logger, Sync.NatsUrl, args.RetryDelay, Describe(args.Outcome.Exception));
            return ValueTask.CompletedTask;
        });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
                await retry.ExecuteAsync(async ct => await RunSessionAsync(reader, ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever the session was doing, the cursor below keeps what was acknowledged.
        }
        finally
        {
            _durable.Save(_cursorPath);
        }
    }

    /// <summary>One connection: find where to resume, then publish until something fails. A session that made
    /// progress returns normally, so the next failure starts again from the shortest back-off.</summary>
    private async Task RunSessionAsync(SqliteConnection reader, CancellationToken ct)
    {
        await using var nats = new NatsConnection(new NatsOpts
        {
            Url = Sync.NatsUrl,
            Name = $"mesh-node {_options.NodeId}",
            ReconnectWaitMin = Sync.InitialBackoff,
            ReconnectWaitMax = Sync.MaxBackoff,
        });
        await nats.ConnectAsync().ConfigureAwait(false);
        var js = new NatsJSContext(nats);
        var stream = await EnsureStreamAsync(js, ct).ConfigureAwait(false);
        var start = await ResumePointAsync(stream, reader, ct).ConfigureAwait(false);
        SetAcked(start);
        NatsSyncLog.Connected(_logger, Sync.NatsUrl, _stream, _subject, start.Record, _journal.Head);

        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Publishes wait while the client reconnects, and their acknowledgements may never come: end the session
        // instead, and publish again from what was acknowledged once a new connection is up.
        var lost = 0;
        ValueTask OnLost(object? sender, NatsEventArgs args)
        {
            Interlocked.Exchange(ref lost, 1);
            return new ValueTask(sessionCts.CancelAsync());
        }
        nats.ConnectionDisconnected += OnLost;
        // Each message is published with the reply subject <inbox>.<last record's seq>, and one subscription takes every
        // PubAck: about 1.5 times the rate of PublishConcurrentAsync here, which opens a request subscription per message.
        var inbox = $"{nats.Opts.InboxPrefix}.mesh-{Guid.NewGuid():N}";
        var window = Sync.BatchSize * Sync.MaxBatchesInFlight;
        var maxBytes = (int)Math.Min(NatsSubjects.MaxMessageBytes, (nats.ServerInfo?.MaxPayload ?? NatsSubjects.MaxMessageBytes * 2L) / 2);
        var session = new Session(start.Record, maxBytes);
        await using var replies = await nats.SubscribeCoreAsync(inbox + ".*", serializer: NatsJSJsonSerializer<PubAckResponse>.Default,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = window + 64, FullMode = BoundedChannelFullMode.Wait } },
            cancellationToken: ct).ConfigureAwait(false);
        var acks = ReadAcksAsync(replies, inbox.Length + 1, session, sessionCts.Token);
        try
        {
            try
            {
                await PublishLoopAsync(nats, reader, inbox, window, session, acks, sessionCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (Volatile.Read(ref lost) == 1 && !ct.IsCancellationRequested)
            {
                throw new NatsException($"lost the connection to {Sync.NatsUrl}");
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && Acked > start.Record)
        {
            _stats.CountSyncFailure();
            NatsSyncLog.Interrupted(_logger, Sync.NatsUrl, Acked, Describe(ex));
        }
        finally
        {
            nats.ConnectionDisconnected -= OnLost;
            await sessionCts.CancelAsync().ConfigureAwait(false);
            try { await acks.ConfigureAwait(false); } catch (Exception) when (sessionCts.IsCancellationRequested) { }
            _durable.Save(_cursorPath);
        }
    }

    private async Task PublishLoopAsync(NatsConnection nats, SqliteConnection reader, string inbox, int window, Session session, Task acks, CancellationToken ct)
    {
        var serializer = NatsRawSerializer<byte[]>.Default;
        var sent = session.Start;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var ackArrived = _ackArrived.WaitAsync();
            if (sent - Acked >= window)
            {
                await Task.WhenAny(ackArrived, acks).ConfigureAwait(false);
                await RethrowIfEnded(acks).ConfigureAwait(false);
                continue;
            }
            var rows = AuditJournalStore.ReadAfter(reader, sent, (int)Math.Min(Sync.BatchSize, window - (sent - Acked)));
            if (rows.Count == 0)
            {
                await Task.WhenAny(_journal.WaitForHeadAboveAsync(sent, ct), acks).ConfigureAwait(false);
                await RethrowIfEnded(acks).ConfigureAwait(false);
                continue;
            }
            var head = (ulong)_journal.Head;
            for (var from = 0; from < rows.Count;)
            {
                var to = RunEnd(rows, from, session.MaxBytes);
                var batch = new AuditBatch { HeadSeq = head };
                for (var i = from; i < to; i++)
                    batch.Records.Add(new AuditRecordEnvelope { Canonical = UnsafeByteOperations.UnsafeWrap(rows[i].Canonical), Hash = UnsafeByteOperations.UnsafeWrap(rows[i].Hash) });
                var last = rows[to - 1].Seq;
                var headers = new NatsHeaders
                {
                    [NatsSubjects.MsgIdHeader] = NatsSubjects.BatchMsgId(_options.NodeId, rows[from].Seq, last),
                    [NatsSubjects.FormatHeader] = NatsSubjects.BatchFormat,
                };
                // Known before its acknowledgement can arrive: the reader advances message by message.
                session.Ends.Enqueue(last);
                await nats.PublishAsync(_subject, batch.ToByteArray(), headers, string.Concat(inbox, ".", last.ToString(CultureInfo.InvariantCulture)),
                    serializer, cancellationToken: ct).ConfigureAwait(false);
                Interlocked.Increment(ref _published);
                Interlocked.Add(ref _publishedRecords, to - from);
                Telemetry.NodeTelemetry.SyncBatches.Add(1, Telemetry.NodeTelemetry.Tag(_options.NodeId));
                Telemetry.NodeTelemetry.SyncRecords.Add(to - from, Telemetry.NodeTelemetry.Tag(_options.NodeId));
                Volatile.Write(ref session.Sent, last);
                from = to;
            }
            sent = rows[^1].Seq;
        }
    }

    /// <summary>Where the message starting at <paramref name="from"/> ends: at most NatsRecordsPerMessage consecutive
    /// records and <paramref name="maxBytes"/> of body, but always at least one record.</summary>
    private int RunEnd(List<StoredRecord> rows, int from, int maxBytes)
    {
        var bytes = EnvelopeSize(rows[from]);
        var to = from + 1;
        for (; to < rows.Count && to - from < Sync.NatsRecordsPerMessage && rows[to].Seq == rows[to - 1].Seq + 1; to++)
        {
            bytes += EnvelopeSize(rows[to]);
            if (bytes > maxBytes)
                break;
        }
        return to;
    }

    /// <summary>An upper bound of a record's bytes in the <c>AuditBatch</c>: its fields and their tags and lengths.</summary>
    private static int EnvelopeSize(StoredRecord row) => row.Canonical.Length + row.Hash.Length + 16;

    /// <summary>Takes the PubAcks and moves <see cref="Acked"/> over the gap-free prefix of acknowledged messages. Fails
    /// the session on a refusal, or when records are in flight and nothing was acknowledged for a request timeout.</summary>
    private async Task ReadAcksAsync(INatsSub<PubAckResponse> replies, int prefixLength, Session session, CancellationToken ct)
    {
        var confirmed = new Dictionary<long, ulong>();
        var next = session.Start + 1;
        var reported = next;
        var timeout = NatsOpts.Default.RequestTimeout;
        while (true)
        {
            if (!replies.Msgs.TryRead(out var reply))
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(timeout);
                try
                {
                    if (!await replies.Msgs.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                        throw new NatsException("the acknowledgement subscription ended");
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    if (Volatile.Read(ref session.Sent) >= next)
                        throw new TimeoutException($"JetStream acknowledged nothing for {timeout.TotalSeconds:0} s; record {next} is the oldest unacknowledged");
                }
                continue;
            }
            if (reply.HasNoResponders)
                throw new NatsException($"no JetStream stream takes subject {_subject} (no responders)");
            if (reply.Data is not { } ack)
                throw new NatsException($"unreadable acknowledgement on {reply.Subject}: {reply.Error?.Message}");
            if (ack.Error is { } error)
                throw new NatsJSApiException(error);
            if (!long.TryParse(reply.Subject.AsSpan(prefixLength), NumberStyles.None, CultureInfo.InvariantCulture, out var last) || last < next)
                continue;
            confirmed[last] = ack.Seq;
            // Messages were published in journal order, each continuing the one before: the oldest unacknowledged one
            // ends at Ends' head.
            while (session.Ends.TryPeek(out var end) && confirmed.Remove(end, out var streamSeq))
            {
                session.Ends.TryDequeue(out _);
                _durable = new NatsSyncCursor(end, streamSeq);
                next = end + 1;
            }
            // Report in steps while acknowledgements pour in; at once when they pause.
            if (next > reported && (replies.Msgs.Count == 0 || next - reported >= 256))
            {
                reported = next;
                SetAcked(_durable);
            }
        }
    }

    private void SetAcked(NatsSyncCursor durable)
    {
        _durable = durable;
        Interlocked.Exchange(ref _acked, durable.Record);
        _stats.SetHubAcked(durable.Record);
        _ackArrived.Pulse();
        // A stale cursor costs only a few republished records after a crash, so once a second is enough.
        var now = Environment.TickCount64;
        if (now - _cursorSavedAt >= 1000)
        {
            _cursorSavedAt = now;
            durable.Save(_cursorPath);
        }
    }

    private static async Task RethrowIfEnded(Task acks)
    {
        if (acks.IsCompleted)
            await acks.ConfigureAwait(false);
    }

    private static string Describe(Exception? ex) => ex switch
    {
        null => "unknown error",
        NatsJSApiException api => $"JetStream error {api.Error.ErrCode}: {api.Error.Description}",
        _ => ex.Message,
    };

    /// <summary>What the publish loop and the acknowledgement reader of one session share.</summary>
    private sealed class Session(long start, int maxBytes)
    {
        public readonly long Start = start;
        public readonly int MaxBytes = maxBytes;
        public long Sent = start;

        /// <summary>The last record of each message published and not yet acknowledged, oldest first.</summary>
        public readonly ConcurrentQueue<long> Ends = new();
    }
}
