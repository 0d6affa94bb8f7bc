using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using NATS.Client.JetStream;

namespace Mesh.Hub.Sync.Nats;

internal sealed partial class NatsStreamIngest
{
    private readonly HashSet<string> _greeted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _gapLogged = new(StringComparer.Ordinal);

    /// <summary>One record of a fetched message. <see cref="Message"/> is the message's place in the fetch;
    /// <see cref="Twins"/> are other messages of the fetch that carry this very record (a run published again with
    /// other boundaries): whatever becomes of the record becomes of them.</summary>
    private sealed class Entry(int message, ReceivedRecord received, long nodeHead)
    {
        public int Message { get; } = message;
        public ReceivedRecord Received { get; } = received;
        public long NodeHead { get; } = nodeHead;
        public List<int>? Twins { get; set; }
        public long Sequence => Received.Record.Sequence;

        public IEnumerable<int> Messages => Twins is null ? [Message] : [Message, .. Twins];

        public bool SameRecordAs(Entry other) => other.Sequence == Sequence
            && other.Received.Hash.AsSpan().SequenceEqual(Received.Hash) && other.Received.Canonical.AsSpan().SequenceEqual(Received.Canonical);
    }

    /// <summary>A fetch and how far each message is settled. A message is acked once every record it carries is
    /// stored (<see cref="Pending"/> 0), nak'd with GapRetryDelay when one of them must come again (<see cref="Held"/>),
    /// terminated when one is refused.</summary>
    private sealed class Fetched(List<Delivery> messages, bool[] settled)
    {
        public List<Delivery> Messages { get; } = messages;
        public bool[] Settled { get; } = settled;
        public int[] Pending { get; } = new int[messages.Count];
        public bool[] Held { get; } = new bool[messages.Count];

        /// <summary>Records decoded from the messages so far.</summary>
        public int Records { get; set; }

        public ulong StreamSeq(int message) => Messages[message].Msg.Metadata?.Sequence.Stream ?? 0;
    }

    /// <summary>Applies a batch run by run of consecutive messages of one node (one subject); returns how many records
    /// its messages carried.</summary>
    private async Task<int> ApplyAsync(List<Delivery> batch, bool[] settled, CancellationToken ct)
    {
        var fetched = new Fetched(batch, settled);
        for (var from = 0; from < batch.Count;)
        {
            var to = from + 1;
            while (to < batch.Count && batch[to].Msg.Subject == batch[from].Msg.Subject)
                to++;
            ct.ThrowIfCancellationRequested();
            await ApplyNodeAsync(fetched, from, to, ct).ConfigureAwait(false);
            from = to;
        }
        return fetched.Records;
    }

    /// <summary>
    /// Under the node's lease (so gRPC and NATS never write one node at once): sorts the node's records by sequence
    /// (redeliveries come after newer messages, and a run published again overlaps others), then stores them in chunks
    /// through <see cref="AuditIngest"/>. A message is acked once all its records are stored or found stored; one with a
    /// record after a missing one is nak'd with <c>GapRetryDelay</c> and comes again; one with a refused record is
    /// terminated after the good records before it were stored, and the node keeps its last good head.
    /// </summary>
    private async Task ApplyNodeAsync(Fetched f, int from, int to, CancellationToken ct)
    {
        var subject = f.Messages[from].Msg.Subject;
        if (!NatsSubjects.TryParseSubject(subject, out var subjectSite, out var node) || subjectSite != site)
        {
            for (var i = from; i < to; i++)
                await TerminateAsync(f, i, $"subject {subject} is not mesh.audit.<site>.<node> of this stream's site '{site}'").ConfigureAwait(false);
            return;
        }
        var decoded = new List<Entry>();
        for (var i = from; i < to; i++)
        {
            var (_, problem, records, nodeHead) = f.Messages[i].Decoded();
            if (problem is not null)
            {
                await TerminateAsync(f, i, $"node {node}: {problem}").ConfigureAwait(false);
                continue;
            }
            f.Pending[i] = records.Count;
            f.Records += records.Count;
            decoded.AddRange(records.Select(r => new Entry(i, r, nodeHead)));
        }
        if (decoded.Count == 0)
            return;
        var entries = WithoutTwins(decoded.OrderBy(e => e.Sequence));
        var head = entries.Max(e => e.NodeHead);

        using (var lease = await leases.AcquireAsync(node, ct).ConfigureAwait(false))
            await StoreAsync(f, node, entries, head, ct).ConfigureAwait(false);

        for (var i = from; i < to; i++)
            if (!f.Settled[i])
                await NakLaterAsync(f, i).ConfigureAwait(false);
    }

    /// <summary>One entry per record: an identical copy in a later message becomes a twin of the first.</summary>
    private static List<Entry> WithoutTwins(IEnumerable<Entry> sorted)
    {
        var entries = new List<Entry>();
        foreach (var e in sorted)
        {
            if (entries.Count > 0 && entries[^1].SameRecordAs(e))
                (entries[^1].Twins ??= []).Add(e.Message);
            else
                entries.Add(e);
        }
        return entries;
    }

    private async Task StoreAsync(Fetched f, string node, List<Entry> entries, long head, CancellationToken ct)
    {
        if (!_greeted.Contains(node))
        {
            var hello = ingest.Hello(new SyncHello { NodeId = node, Site = site, HeadSeq = (ulong)head });
            if (hello.Refusal is { } refused)
            {
                await SettleRefusedAsync(f, node, entries, refused).ConfigureAwait(false);
                return;
            }
            _greeted.Add(node);
        }

        for (var p = 0; p < entries.Count;)
        {
            ct.ThrowIfCancellationRequested();
            var stored = store.FindNode(node)!.LastSeq;
            if (entries[p].Sequence > stored + 1)
            {
                HoldGap(f, node, stored, entries[p..]);
                return;
            }
            // A chunk: increasing sequences, no hole above the stored head, at most Hub:MaxBatchRecords.
            var end = p + 1;
            while (end < entries.Count && end - p < hub.MaxBatchRecords
                   && entries[end].Sequence > entries[end - 1].Sequence
                   && entries[end].Sequence <= Math.Max(entries[end - 1].Sequence, stored) + 1)
                end++;
            var chunk = entries[p..end];
            var result = ingest.Apply(node, site, [.. chunk.Select(e => e.Received)], head);
            if (result.Refusal is null)
            {
                await StoredAsync(f, chunk).ConfigureAwait(false);
                _gapLogged.Remove(node);
                p = end;
                continue;
            }
            var refusal = result.Refusal;
            var bad = Math.Max(0, chunk.FindIndex(e => e.Sequence == refusal.FirstBadSequence));
            if (bad > 0 && refusal.Problem != SyncProblem.StorageUnavailable)
            {
                // Store the good records before the refused one; they verified in the attempt above.
                var good = ingest.Apply(node, site, [.. chunk[..bad].Select(e => e.Received)], head);
                if (good.Refusal is { } again)
                {
                    await SettleRefusedAsync(f, node, entries[p..], again).ConfigureAwait(false);
                    return;
                }
                await StoredAsync(f, chunk[..bad]).ConfigureAwait(false);
                p += bad;
            }
            if (refusal.Problem is SyncProblem.StorageUnavailable or SyncProblem.Gap)
            {
                await SettleRefusedAsync(f, node, entries[p..], refusal).ConfigureAwait(false);
                return;
            }
            await RefuseRecordAsync(f, node, entries[p], refusal).ConfigureAwait(false);
            p++;
        }
    }

    /// <summary>The store committed these records (or holds them already): a message whose last outstanding record this
    /// was is acked now. An ack lost on the way only brings a resend, which is acked then.</summary>
    private static async Task StoredAsync(Fetched f, List<Entry> entries)
    {
        foreach (var e in entries)
        {
            foreach (var m in e.Messages)
            {
                if (--f.Pending[m] == 0 && !f.Held[m] && !f.Settled[m])
                {
                    await f.Messages[m].Msg.AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                    f.Settled[m] = true;
                }
            }
        }
    }

    /// <summary>A refusal of the whole run: the store failed (they come again later), or the node itself is refused.</summary>
    private async Task SettleRefusedAsync(Fetched f, string node, List<Entry> entries, SyncRefusal refusal)
    {
        if (refusal.Problem is SyncProblem.StorageUnavailable or SyncProblem.Gap)
        {
            Hold(f, entries);
            return;
        }
        foreach (var e in entries)
            await RefuseRecordAsync(f, node, e, refusal).ConfigureAwait(false);
    }

    private void HoldGap(Fetched f, string node, long stored, List<Entry> waiting)
    {
        if (!_gapLogged.TryGetValue(node, out var loggedAt) || loggedAt != stored)
        {
            _gapLogged[node] = stored;
            HubLog.NatsGapHeld(logger, node, stored, stream, waiting[0].Sequence, waiting[^1].Sequence);
        }
        Hold(f, waiting);
    }

    /// <summary>These records must come again: their messages are nak'd with GapRetryDelay once the run is done.</summary>
    private static void Hold(Fetched f, List<Entry> entries)
    {
        foreach (var e in entries)
            foreach (var m in e.Messages)
                f.Held[m] = true;
    }

    /// <summary>Terminates every message carrying the refused record, naming the first refused record of each.</summary>
    private async Task RefuseRecordAsync(Fetched f, string node, Entry entry, SyncRefusal refusal)
    {
        foreach (var m in entry.Messages)
        {
            if (f.Settled[m])
                continue;
            HubLog.NatsRecordRefused(logger, node, entry.Sequence, f.StreamSeq(m), stream, refusal.Problem, store.FindNode(node)?.LastSeq ?? 0, refusal.Message);
            await f.Messages[m].Msg.AckTerminateAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            f.Settled[m] = true;
        }
    }

    private async Task TerminateAsync(Fetched f, int message, string reason)
    {
        var msg = f.Messages[message].Msg;
        HubLog.NatsMessageRefused(logger, f.StreamSeq(message), stream, msg.Subject, reason);
        await msg.AckTerminateAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        f.Settled[message] = true;
    }

    private async Task NakLaterAsync(Fetched f, int message)
    {
        await f.Messages[message].Msg.NakAsync(new AckOpts { NakDelay = _o.GapRetryDelay }, CancellationToken.None).ConfigureAwait(false);
        f.Settled[message] = true;
    }
}
