using System.Globalization;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using NATS.Client.JetStream;

namespace Mesh.Hub.Sync.Nats;

internal sealed partial class NatsStreamIngest
{
    private readonly HashSet<string> _greeted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _gapLogged = new(StringComparer.Ordinal);

    /// <summary>A fetched message and the record it carries; <see cref="Index"/> is its place in the batch.</summary>
    private sealed record Entry(int Index, ReceivedRecord Received, long NodeHead)
    {
        public long Sequence => Received.Record.Sequence;
    }

    /// <summary>Applies a batch run by run of consecutive messages of one node (one subject).</summary>
    private async Task ApplyAsync(List<INatsJSMsg<byte[]>> batch, bool[] settled, CancellationToken ct)
    {
        for (var from = 0; from < batch.Count;)
        {
            var to = from + 1;
            while (to < batch.Count && batch[to].Subject == batch[from].Subject)
                to++;
            ct.ThrowIfCancellationRequested();
            await ApplyNodeAsync(batch, from, to, settled, ct).ConfigureAwait(false);
            from = to;
        }
    }

    /// <summary>
    /// Under the node's lease (so gRPC and NATS never write one node at once): sorts the node's records by sequence
    /// (redeliveries come after newer messages), then stores them in chunks through <see cref="AuditIngest"/>. Records
    /// already stored are acked; records after a missing one are nak'd with <c>GapRetryDelay</c> and come again; a
    /// refused record is terminated and the node keeps its last good head.
    /// </summary>
    private async Task ApplyNodeAsync(List<INatsJSMsg<byte[]>> batch, int from, int to, bool[] settled, CancellationToken ct)
    {
        var subject = batch[from].Subject;
        if (!NatsSubjects.TryParseSubject(subject, out var subjectSite, out var node) || subjectSite != site)
        {
            for (var i = from; i < to; i++)
                await TerminateAsync(batch, settled, i, $"subject {subject} is not mesh.audit.<site>.<node> of this stream's site '{site}'").ConfigureAwait(false);
            return;
        }
        var entries = new List<Entry>(to - from);
        for (var i = from; i < to; i++)
        {
            if (Decode(batch[i], out var received, out var nodeHead) is { } problem)
                await TerminateAsync(batch, settled, i, $"node {node}: {problem}").ConfigureAwait(false);
            else
                entries.Add(new Entry(i, received!, nodeHead));
        }
        if (entries.Count == 0)
            return;
        entries = [.. entries.OrderBy(e => e.Sequence)];
        var head = entries.Max(e => e.NodeHead);

        using var lease = await leases.AcquireAsync(node, ct).ConfigureAwait(false);
        if (!_greeted.Contains(node))
        {
            var hello = ingest.Hello(new SyncHello { NodeId = node, Site = site, HeadSeq = (ulong)head });
            if (hello.Refusal is { } refused)
            {
                await SettleRefusedAsync(batch, settled, node, entries, refused).ConfigureAwait(false);
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
                await HoldGapAsync(batch, settled, node, stored, entries[p..]).ConfigureAwait(false);
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
                await AckAsync(batch, settled, chunk).ConfigureAwait(false);
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
                    await SettleRefusedAsync(batch, settled, node, entries[p..], again).ConfigureAwait(false);
                    return;
                }
                await AckAsync(batch, settled, chunk[..bad]).ConfigureAwait(false);
                p += bad;
            }
            if (refusal.Problem is SyncProblem.StorageUnavailable or SyncProblem.Gap)
            {
                await SettleRefusedAsync(batch, settled, node, entries[p..], refusal).ConfigureAwait(false);
                return;
            }
            await RefuseRecordAsync(batch, settled, node, entries[p], refusal).ConfigureAwait(false);
            p++;
        }
    }

    /// <summary>A refusal of the whole run: the store failed (they come again later), or the node itself is refused.</summary>
    private async Task SettleRefusedAsync(List<INatsJSMsg<byte[]>> batch, bool[] settled, string node, List<Entry> entries, SyncRefusal refusal)
    {
        if (refusal.Problem is SyncProblem.StorageUnavailable or SyncProblem.Gap)
        {
            foreach (var e in entries)
                await NakLaterAsync(batch, settled, e.Index).ConfigureAwait(false);
            return;
        }
        foreach (var e in entries)
            await RefuseRecordAsync(batch, settled, node, e, refusal).ConfigureAwait(false);
    }

    private async Task HoldGapAsync(List<INatsJSMsg<byte[]>> batch, bool[] settled, string node, long stored, List<Entry> waiting)
    {
        if (!_gapLogged.TryGetValue(node, out var loggedAt) || loggedAt != stored)
        {
            _gapLogged[node] = stored;
            HubLog.NatsGapHeld(logger, node, stored, stream, waiting[0].Sequence, waiting[^1].Sequence);
        }
        foreach (var e in waiting)
            await NakLaterAsync(batch, settled, e.Index).ConfigureAwait(false);
    }

    private async Task RefuseRecordAsync(List<INatsJSMsg<byte[]>> batch, bool[] settled, string node, Entry entry, SyncRefusal refusal)
    {
        HubLog.NatsRecordRefused(logger, node, entry.Sequence, stream, refusal.Problem, store.FindNode(node)?.LastSeq ?? 0, refusal.Message);
        await batch[entry.Index].AckTerminateAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        settled[entry.Index] = true;
    }

    private async Task TerminateAsync(List<INatsJSMsg<byte[]>> batch, bool[] settled, int index, string reason)
    {
        var msg = batch[index];
        HubLog.NatsMessageRefused(logger, msg.Metadata?.Sequence.Stream ?? 0, stream, msg.Subject, reason);
        await msg.AckTerminateAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        settled[index] = true;
    }

    /// <summary>Acks after the store committed: an ack lost on the way only brings a resend, which is acked then.</summary>
    private static async Task AckAsync(List<INatsJSMsg<byte[]>> batch, bool[] settled, List<Entry> entries)
    {
        foreach (var e in entries)
        {
            await batch[e.Index].AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            settled[e.Index] = true;
        }
    }

    private async Task NakLaterAsync(List<INatsJSMsg<byte[]>> batch, bool[] settled, int index)
    {
        await batch[index].NakAsync(new AckOpts { NakDelay = _o.GapRetryDelay }, CancellationToken.None).ConfigureAwait(false);
        settled[index] = true;
    }

    /// <summary>The record a message carries, or why it carries none.</summary>
    private static string? Decode(INatsJSMsg<byte[]> msg, out ReceivedRecord? received, out long nodeHead)
    {
        received = null;
        nodeHead = 0;
        if (msg.Data is not { Length: > 0 } canonical)
            return "the message has no body; it must be one record's canonical bytes";
        if (msg.Headers is null || !msg.Headers.TryGetValue(NatsSubjects.HashHeader, out var hashText)
            || hashText.Count != 1 || hashText[0] is not { Length: AuditRecordCodec.HashLength * 2 } hex)
            return $"the message lacks a {NatsSubjects.HashHeader} header of {AuditRecordCodec.HashLength * 2} hex digits";
        byte[] hash;
        AuditRecord record;
        try
        {
            hash = Convert.FromHexString(hex);
            record = AuditRecordCodec.Decode(canonical);
        }
        catch (FormatException)
        {
            return $"{NatsSubjects.HashHeader} '{hex}' is not hex";
        }
        catch (AuditFormatException ex)
        {
            return $"{SyncProblem.Malformed}: the body is not a canonical audit record: {ex.Message}";
        }
        if (msg.Headers.TryGetValue(NatsSubjects.HeadHeader, out var headText))
            _ = long.TryParse(headText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out nodeHead);
        received = new ReceivedRecord(record, canonical, hash);
        nodeHead = Math.Max(nodeHead, record.Sequence);
        return null;
    }
}
