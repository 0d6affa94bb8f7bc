using System.Text;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using Microsoft.Data.Sqlite;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mesh.Node.Sync;

public sealed partial class NatsAuditPublisher
{
    private const int StreamNotFound = 10059;
    private const int StreamNameInUse = 10058;
    private const int NoMessageFound = 10037;

    /// <summary>How long the stream remembers message ids, when this node creates it.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(2);

    /// <summary>Finds the site's stream, or creates it (file storage, limits retention); several nodes of a site may
    /// race to create it, and the loser uses the winner's. A stream that exists is used as configured, except
    /// that a missing subject for this node is added.</summary>
    private async Task<INatsJSStream> EnsureStreamAsync(NatsJSContext js, CancellationToken ct)
    {
        var siteSubjects = NatsSubjects.SiteSubjects(_options.Site);
        try
        {
            var stream = await js.GetStreamAsync(_stream, cancellationToken: ct).ConfigureAwait(false);
            var config = stream.Info.Config;
            if (config.Subjects?.Any(s => Covers(s, _subject)) == true)
                return stream;
            await stream.UpdateAsync(config with { Subjects = [.. config.Subjects ?? [], siteSubjects] }, ct).ConfigureAwait(false);
            NatsSyncLog.StreamSubjectAdded(_logger, _stream, siteSubjects);
            return stream;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == StreamNotFound)
        {
        }
        try
        {
            var created = await js.CreateStreamAsync(new StreamConfig(_stream, [siteSubjects])
            {
                Description = $"Mesh audit records of site {_options.Site}, runs of records in one message each (docs/NATS.md)",
                Storage = StreamConfigStorage.File,
                Retention = StreamConfigRetention.Limits,
                MaxAge = Sync.NatsMaxAge,
                DuplicateWindow = DuplicateWindow,
            }, ct).ConfigureAwait(false);
            NatsSyncLog.StreamCreated(_logger, _stream, siteSubjects, Sync.NatsMaxAge);
            return created;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == StreamNameInUse)
        {
            return await js.GetStreamAsync(_stream, cancellationToken: ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where to publish from. Without a cursor: after the stream's last record of this node. With one: after the
    /// cursor, which republishes whatever lies between it and the stream's last record (a crash inside the
    /// in-flight window can leave a hole there; the stream drops what it already holds). A stream whose sequences
    /// are behind the cursor was recreated: then after its last record again.
    /// </summary>
    private async Task<NatsSyncCursor> ResumePointAsync(INatsJSStream stream, SqliteConnection reader, CancellationToken ct)
    {
        var last = await LastInStreamAsync(stream, reader, ct).ConfigureAwait(false);
        var known = _durable;
        if (known.Record == 0)
            return last;
        if (stream.Info.State.LastSeq < known.StreamSeq)
        {
            NatsSyncLog.StreamRecreated(_logger, _stream, stream.Info.State.LastSeq, known.StreamSeq, last.Record);
            return last;
        }
        return known;
    }

    /// <summary>This node's last record in the stream (the last of its last message), checked against the journal as
    /// the gRPC path checks the hub's ack.</summary>
    private async Task<NatsSyncCursor> LastInStreamAsync(INatsJSStream stream, SqliteConnection reader, CancellationToken ct)
    {
        StoredMessage message;
        try
        {
            message = (await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = _subject }, ct).ConfigureAwait(false)).Message;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == NoMessageFound)
        {
            return default;
        }
        var canonical = CanonicalRecords(message)[^1];
        var record = AuditRecordCodec.Decode(canonical);
        if (record.Sequence > _journal.Head)
            throw new InvalidOperationException($"stream {_stream} holds record {record.Sequence} of node {_options.NodeId} but this journal ends at {_journal.Head}: was the journal replaced?");
        var theirs = AuditRecordCodec.ComputeHash(canonical);
        if (AuditJournalStore.ReadHash(reader, record.Sequence) is { } ours && !ours.AsSpan().SequenceEqual(theirs))
            throw new InvalidOperationException($"fork: record {record.Sequence} of node {_options.NodeId} in stream {_stream} has hash {ChainVerifier.Hex(theirs)}, this journal's has {ChainVerifier.Hex(ours)}: was the journal replaced?");
        return new NatsSyncCursor(record.Sequence, message.Seq);
    }

    /// <summary>The canonical bytes of the records a stored message carries, in order: those of its <c>AuditBatch</c>
    /// (header <c>Mesh-Format: batch</c>), or the body itself for a one-record message (streams written before batches).</summary>
    internal static List<byte[]> CanonicalRecords(StoredMessage message)
    {
        if (!IsBatch(message))
            return [message.Data.ToArray()];
        var batch = AuditBatch.Parser.ParseFrom(message.Data.Span);
        if (batch.Records.Count == 0)
            throw new InvalidOperationException($"message {message.Seq} on {message.Subject} is a batch without records");
        return [.. batch.Records.Select(r => r.Canonical.ToByteArray())];
    }

    /// <summary>Whether a stored message's headers (a base64 NATS/1.0 header block) say <c>Mesh-Format: batch</c>.</summary>
    private static bool IsBatch(StoredMessage message)
    {
        if (message.Hdrs is not { Length: > 0 } encoded)
            return false;
        var block = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, block, out var length))
            return false;
        foreach (var line in Encoding.UTF8.GetString(block, 0, length).Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(NatsSubjects.FormatHeader, StringComparison.OrdinalIgnoreCase))
                return line.AsSpan(colon + 1).Trim().SequenceEqual(NatsSubjects.BatchFormat);
        }
        return false;
    }

    /// <summary>Whether the subject filter <paramref name="filter"/> ('*' one token, '>' the rest) matches <paramref name="subject"/>.</summary>
    internal static bool Covers(string filter, string subject)
    {
        var f = filter.Split('.');
        var s = subject.Split('.');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == ">")
                return s.Length > i;
            if (i >= s.Length || f[i] != "*" && f[i] != s[i])
                return false;
        }
        return f.Length == s.Length;
    }
}
