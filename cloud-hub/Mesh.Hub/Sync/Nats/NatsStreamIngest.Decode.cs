using System.Globalization;
using System.Runtime.ExceptionServices;
using Google.Protobuf;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using NATS.Client.JetStream;

namespace Mesh.Hub.Sync.Nats;

internal sealed partial class NatsStreamIngest
{
    /// <summary>A fetched message and what it carries, decoded when it arrived.</summary>
    private sealed class Delivery
    {
        private readonly string? _problem;
        private readonly List<ReceivedRecord> _records;
        private readonly long _nodeHead;
        private readonly ExceptionDispatchInfo? _failure;

        private Delivery(INatsJSMsg<byte[]> msg, string? problem, List<ReceivedRecord> records, long nodeHead, ExceptionDispatchInfo? failure)
        {
            Msg = msg;
            _problem = problem;
            _records = records;
            _nodeHead = nodeHead;
            _failure = failure;
        }

        public INatsJSMsg<byte[]> Msg { get; }

        public static Delivery Of(INatsJSMsg<byte[]> msg)
        {
            try
            {
                var problem = Decode(msg, out var records, out var nodeHead);
                return new Delivery(msg, problem, records, nodeHead, null);
            }
            catch (Exception ex)
            {
                // Not a verdict on the message: the batch fails when it is applied, and its messages come again.
                return new Delivery(msg, null, [], 0, ExceptionDispatchInfo.Capture(ex));
            }
        }

        /// <summary>Its records and the node's head, or why it carries none; rethrows what decoding it threw.</summary>
        public (INatsJSMsg<byte[]> Msg, string? Problem, List<ReceivedRecord> Records, long NodeHead) Decoded()
        {
            _failure?.Throw();
            return (Msg, _problem, _records, _nodeHead);
        }
    }

    /// <summary>The records a message carries — a batch's (header <c>Mesh-Format: batch</c>) or the one of a message
    /// without that header — or why it carries none. Only the form is checked here; hashes, owner, site and chain are
    /// verified record by record when they are stored, so the good records before a bad one still count.</summary>
    private static string? Decode(INatsJSMsg<byte[]> msg, out List<ReceivedRecord> records, out long nodeHead)
    {
        records = [];
        nodeHead = 0;
        if (msg.Headers is not null && msg.Headers.TryGetValue(NatsSubjects.FormatHeader, out var format))
            return format.Count == 1 && format[0] == NatsSubjects.BatchFormat
                ? DecodeBatch(msg.Data, records, out nodeHead)
                : $"{NatsSubjects.FormatHeader} '{format}' is unknown; this hub reads '{NatsSubjects.BatchFormat}' and one-record messages";
        var problem = DecodeOne(msg, out var received, out nodeHead);
        if (received is not null)
            records.Add(received);
        return problem;
    }

    /// <summary>A protobuf <c>AuditBatch</c>: 1..<see cref="NatsSubjects.MaxRecordsPerMessage"/> records with
    /// consecutive, increasing sequences, each canonical bytes and a 32-byte hash.</summary>
    private static string? DecodeBatch(byte[]? body, List<ReceivedRecord> records, out long nodeHead)
    {
        nodeHead = 0;
        AuditBatch batch;
        try
        {
            batch = AuditBatch.Parser.ParseFrom(body ?? []);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return $"{SyncProblem.Malformed}: the body is not a protobuf AuditBatch: {ex.Message}";
        }
        if (batch.Records.Count == 0)
            return $"{SyncProblem.Malformed}: the batch holds no records";
        if (batch.Records.Count > NatsSubjects.MaxRecordsPerMessage)
            return $"{SyncProblem.Malformed}: the batch holds {batch.Records.Count} records; one message may hold at most {NatsSubjects.MaxRecordsPerMessage}";
        for (var i = 0; i < batch.Records.Count; i++)
        {
            var envelope = batch.Records[i];
            if (envelope.Hash.Length != AuditRecordCodec.HashLength)
                return $"{SyncProblem.Malformed}: record [{i}] of the batch has a {envelope.Hash.Length}-byte hash; a SHA-256 has {AuditRecordCodec.HashLength}";
            var canonical = envelope.Canonical.ToByteArray();
            AuditRecord record;
            try
            {
                record = AuditRecordCodec.Decode(canonical);
            }
            catch (AuditFormatException ex)
            {
                return $"{SyncProblem.Malformed}: record [{i}] of the batch is not a canonical audit record: {ex.Message}";
            }
            if (i > 0 && record.Sequence != records[^1].Record.Sequence + 1)
                return string.Create(CultureInfo.InvariantCulture,
                    $"{SyncProblem.Malformed}: record [{i}] of the batch has sequence {record.Sequence} after {records[^1].Record.Sequence}; a batch holds consecutive sequences in increasing order");
            records.Add(new ReceivedRecord(record, canonical, envelope.Hash.ToByteArray()));
        }
        nodeHead = Math.Max((long)Math.Min(batch.HeadSeq, long.MaxValue), records[^1].Record.Sequence);
        return null;
    }

    /// <summary>A one-record message: the canonical bytes as body, the hash in <c>Mesh-Hash</c>, the node's head in <c>Mesh-Head</c>.</summary>
    private static string? DecodeOne(INatsJSMsg<byte[]> msg, out ReceivedRecord? received, out long nodeHead)
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
