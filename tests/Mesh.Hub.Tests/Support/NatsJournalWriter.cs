using Google.Protobuf;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mesh.Hub.Tests.Support;

/// <summary>A node's side of a site stream as tests drive it: publishes runs of records as the node's publisher does
/// (an <c>AuditBatch</c> per message, header <c>Mesh-Format: batch</c>, message id <c>&lt;node&gt;:&lt;first&gt;-&lt;last&gt;</c>), one-record
/// messages as nodes published them before batches (canonical bytes, hash and head headers, message id
/// <c>&lt;node&gt;:&lt;seq&gt;</c>), or any message a test wants.</summary>
internal sealed class NatsJournalWriter : IAsyncDisposable
{
    private readonly NatsConnection _nats;

    private NatsJournalWriter(NatsConnection nats, string site)
    {
        _nats = nats;
        Js = new NatsJSContext(nats);
        Site = site;
    }

    public NatsJSContext Js { get; }

    public string Site { get; }

    public string Stream => NatsSubjects.Stream(Site);

    /// <summary>Connects and creates the site's stream (as a node does on its first start).</summary>
    public static async Task<NatsJournalWriter> StartAsync(string url, string site = TestChain.Site)
    {
        var nats = new NatsConnection(new NatsOpts { Url = url });
        await nats.ConnectAsync();
        var writer = new NatsJournalWriter(nats, site);
        await writer.Js.CreateOrUpdateStreamAsync(new StreamConfig(writer.Stream, [NatsSubjects.SiteSubjects(site)])
        {
            Storage = StreamConfigStorage.File,
            DuplicateWindow = TimeSpan.FromMinutes(2),
        });
        return writer;
    }

    /// <summary>Publishes the records in batch messages of up to <paramref name="perMessage"/> records each, in order,
    /// and waits for every acknowledgement; returns them.</summary>
    public async Task<List<PubAckResponse>> PublishBatchesAsync(IReadOnlyList<AuditRecord> records, int perMessage, long head = 0)
    {
        var futures = new List<NatsJSPublishConcurrentFuture>();
        foreach (var run in records.Chunk(perMessage))
        {
            var msgId = NatsSubjects.BatchMsgId(run[0].NodeId, run[0].Sequence, run[^1].Sequence);
            futures.Add(await Js.PublishConcurrentAsync(NatsSubjects.Subject(run[0].Site, run[0].NodeId), BatchBody(run, head),
                NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = msgId }, BatchHeaders()));
        }
        var acks = new List<PubAckResponse>(futures.Count);
        foreach (var future in futures)
        {
            await using (future)
                acks.Add(await future.GetResponseAsync());
            acks[^1].Error.ShouldBeNull();
        }
        return acks;
    }

    /// <summary>The body of a batch message: an <c>AuditBatch</c> of these envelopes.</summary>
    public static byte[] BatchBody(IEnumerable<AuditRecord> records, long head = 0)
    {
        var batch = new AuditBatch();
        foreach (var record in records)
            batch.Records.Add(TestChain.Envelope(record));
        batch.HeadSeq = (ulong)Math.Max(head, batch.Records.Count == 0 ? 0 : AuditRecordCodec.Decode(batch.Records[^1].Canonical.Span).Sequence);
        return batch.ToByteArray();
    }

    public static NatsHeaders BatchHeaders() => new() { [NatsSubjects.FormatHeader] = NatsSubjects.BatchFormat };

    /// <summary>Publishes each record in a one-record message (as nodes did before batches) and waits for every
    /// acknowledgement; returns them.</summary>
    public async Task<List<PubAckResponse>> PublishAsync(IEnumerable<AuditRecord> records, Func<AuditRecord, string>? msgId = null, long head = 0)
    {
        var futures = new List<NatsJSPublishConcurrentFuture>();
        foreach (var record in records)
            futures.Add(await Js.PublishConcurrentAsync(NatsSubjects.Subject(record.Site, record.NodeId), AuditRecordCodec.Encode(record),
                NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = msgId?.Invoke(record) ?? NatsSubjects.MsgId(record.NodeId, record.Sequence) },
                Headers(record.Hash.Span, Math.Max(head, record.Sequence))));
        var acks = new List<PubAckResponse>(futures.Count);
        foreach (var future in futures)
        {
            await using (future)
                acks.Add(await future.GetResponseAsync());
            acks[^1].Error.ShouldBeNull();
        }
        return acks;
    }

    /// <summary>Publishes exactly these bytes and headers on a subject.</summary>
    public async Task<PubAckResponse> PublishRawAsync(string subject, byte[] body, NatsHeaders headers, string? msgId = null)
    {
        var ack = await Js.PublishAsync(subject, body, NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = msgId }, headers);
        ack.Error.ShouldBeNull();
        return ack;
    }

    public static NatsHeaders Headers(ReadOnlySpan<byte> hash, long head) => new()
    {
        [NatsSubjects.HashHeader] = Convert.ToHexStringLower(hash),
        [NatsSubjects.HeadHeader] = head.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The hub's durable consumer on this site's stream, as the server sees it now.</summary>
    public async Task<ConsumerInfo> ConsumerAsync(string durable = "mesh-hub")
    {
        var consumer = await Js.GetConsumerAsync(Stream, durable);
        return consumer.Info;
    }

    public ValueTask DisposeAsync() => _nats.DisposeAsync();
}
