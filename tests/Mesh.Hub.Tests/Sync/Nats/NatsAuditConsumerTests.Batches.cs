using Google.Protobuf;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;

namespace Mesh.Hub.Tests.Sync.Nats;

/// <summary>Batch messages (several records per message, <c>Mesh-Format: batch</c>), as nodes publish them now.</summary>
public sealed partial class NatsAuditConsumerTests
{
    private static string NodeSubject => NatsSubjects.Subject(TestChain.Site, TestChain.Node);

    private static async Task WaitForAckFloorAsync(NatsJournalWriter writer, ulong streamSeq, string what)
    {
        ulong seen = 0;
        await Poll.UntilAsync(async () => (seen = (await writer.ConsumerAsync()).AckFloor.StreamSeq) == streamSeq, Timeout,
            () => $"{what} (ack floor {seen}, expected {streamSeq})");
    }

    [Fact]
    public async Task Batches_PublishedToSiteStream_StoredAndVerifiedAtHub()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        await using var hub = await StartHubAsync();

        var acks = await writer.PublishBatchesAsync(chain.Next(1000), perMessage: 128, head: 1200);

        acks.Count.ShouldBe(8);
        await WaitForHeadAsync(hub, 1000);
        (await hub.NodeAsync()).HeadSeq.ShouldBe(1200, "a batch carries the node's head in head_seq");
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 1000).Select(i => (long)i));
        ChainVerifier.Verify(page.Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
        await WaitForAckFloorAsync(writer, 8, "every batch message acknowledged");
        hub.Logs.Entries.ShouldNotContain(e => e.EventId.Id == 62 || e.EventId.Id == 66);
    }

    [Fact]
    public async Task Batches_RepublishedWithOtherBoundariesAfterAFailure_StoredOnceWithoutGap()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        chain.Next(60);
        // The first session got 1..40 into the stream, then failed with 16 acknowledged: the next republishes from 17
        // with other boundaries (other message ids: the stream keeps both), before the hub ever read them.
        await writer.PublishBatchesAsync(chain.Range(1, 40), perMessage: 16);
        await writer.PublishBatchesAsync(chain.Range(17, 50), perMessage: 13);
        await using var hub = await StartHubAsync();
        await WaitForHeadAsync(hub, 50);

        // Again once the hub stored them: the overlap reaches it as resends.
        await writer.PublishBatchesAsync(chain.Range(45, 60), perMessage: 7);

        await WaitForHeadAsync(hub, 60);
        await WaitForAckFloorAsync(writer, 3 + 3 + 3, "every message acknowledged, the overlapping ones too");
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 60).Select(i => (long)i), "each record stored once, none missing");
        ChainVerifier.Verify(page.Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
        hub.Logs.Entries.ShouldNotContain(e => e.EventId.Id == 62 || e.EventId.Id == 66, "an identical record published again is no forgery");
    }

    [Fact]
    public async Task Gap_BetweenAndInsideBatchMessages_HeldUntilItArrives()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        chain.Next(40);
        await using var hub = await StartHubAsync("--Hub:Nats:GapRetryDelay=00:00:00.2");

        await writer.PublishBatchesAsync(chain.Range(1, 10), perMessage: 10);
        await writer.PublishBatchesAsync(chain.Range(16, 40), perMessage: 15);

        await WaitForHeadAsync(hub, 10);
        await Poll.UntilAsync(() => hub.Logs.Entries.Any(e => e.EventId.Id == 63 && e.Message.Contains("holds up to 10 but") && e.Message.Contains("delivered 16..")), Timeout, "the gap is reported");
        await Poll.UntilAsync(async () => (await writer.ConsumerAsync()).NumRedelivered > 0, Timeout, "the messages after the gap come again");
        hub.StoredNode()!.LastSeq.ShouldBe(10);

        // The missing records arrive in a message that also overlaps the first held one (16..20).
        await writer.PublishBatchesAsync(chain.Range(11, 20), perMessage: 10);

        await WaitForHeadAsync(hub, 40, "the held messages are stored once the gap is filled");
        await WaitForAckFloorAsync(writer, 4, "every message acknowledged");
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 40).Select(i => (long)i));
        ChainVerifier.Verify(page.Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
    }

    [Theory]
    [InlineData("altered", "HashMismatch")]
    [InlineData("other-site", "WrongSite")]
    [InlineData("other-node", "WrongNode")]
    public async Task Forged_RecordInTheMiddleOfABatch_RecordsBeforeItStoredMessageTerminatedAndNamedHeadStays(string forgery, string problem)
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        await using var hub = await StartHubAsync();
        await writer.PublishBatchesAsync(chain.Next(3), perMessage: 3);
        await WaitForHeadAsync(hub, 3);
        var real = chain.Next(5);

        // Record 6 of the message 4..8 is forged.
        var forged = forgery switch
        {
            "altered" => real[2] with { Body = "{\"cooling\":\"off\"}" },
            "other-site" => (real[2] with { Site = "site-b" }).Seal(),
            _ => (real[2] with { NodeId = "edge-2" }).Seal(),
        };
        var ack = await writer.PublishRawAsync(NodeSubject, NatsJournalWriter.BatchBody([real[0], real[1], forged, real[3], real[4]]),
            NatsJournalWriter.BatchHeaders(), NatsSubjects.BatchMsgId(TestChain.Node, 4, 8));

        await Poll.UntilAsync(() => hub.Logs.Entries.Any(e => e.EventId.Id == 62 && e.Message.Contains($"node edge-1: record 6 in message {ack.Seq} of stream")
                && e.Message.Contains(problem)),
            Timeout, $"the refusal ({problem}) names node, record and message");
        await WaitForAckFloorAsync(writer, 2, "the message is terminated, not redelivered");
        hub.StoredNode()!.LastSeq.ShouldBe(5, "the good records before the forged one are stored");
        hub.StoredNode()!.LastHash.ShouldBe(chain[5].Hash.ToArray());

        // The real records (under other message ids: the forgery took that one) continue the chain.
        await writer.PublishBatchesAsync([.. chain.Range(6, 8), .. chain.Next(2)], perMessage: 5);
        await WaitForHeadAsync(hub, 10);
        ChainVerifier.Verify((await hub.AuditAsync()).Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
    }

    [Theory]
    [InlineData("not-protobuf", "the body is not a protobuf AuditBatch")]
    [InlineData("empty", "the batch holds no records")]
    [InlineData("too-many", "the batch holds 1001 records; one message may hold at most 1000")]
    [InlineData("short-hash", "record [1] of the batch has a 31-byte hash")]
    [InlineData("not-canonical", "record [0] of the batch is not a canonical audit record")]
    [InlineData("not-increasing", "record [1] of the batch has sequence 4 after 5")]
    [InlineData("hole", "record [1] of the batch has sequence 6 after 4")]
    [InlineData("unknown-format", "Mesh-Format 'zip' is unknown")]
    public async Task MalformedBatch_TerminatedWithItsReason_NothingOfItStored(string malformation, string reason)
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        await using var hub = await StartHubAsync();
        await writer.PublishBatchesAsync(chain.Next(3), perMessage: 3);
        await WaitForHeadAsync(hub, 3);
        var next = chain.Next(3);

        var headers = NatsJournalWriter.BatchHeaders();
        byte[] body;
        switch (malformation)
        {
            case "not-protobuf":
                body = [0x0A, 0x05, 0x01]; // field 1, 5 bytes announced, 1 there
                break;
            case "empty":
                body = [];
                break;
            case "too-many":
                body = NatsJournalWriter.BatchBody(TestChainOf(1001));
                break;
            case "short-hash":
                var batch = AuditBatch.Parser.ParseFrom(NatsJournalWriter.BatchBody(next));
                batch.Records[1].Hash = ByteString.CopyFrom(next[1].Hash.Span[..31]);
                body = batch.ToByteArray();
                break;
            case "not-canonical":
                var garbage = new AuditBatch { Records = { new AuditRecordEnvelope { Canonical = ByteString.CopyFromUtf8("{\"seq\":4}"), Hash = TestChain.Envelope(next[0]).Hash } } };
                body = garbage.ToByteArray();
                break;
            case "not-increasing":
                body = NatsJournalWriter.BatchBody([next[1], next[0]]);
                break;
            case "hole":
                body = NatsJournalWriter.BatchBody([next[0], next[2]]);
                break;
            default:
                body = NatsJournalWriter.BatchBody(next);
                headers = new() { [NatsSubjects.FormatHeader] = "zip" };
                break;
        }
        var ack = await writer.PublishRawAsync(NodeSubject, body, headers);

        await Poll.UntilAsync(() => hub.Logs.Entries.Any(e => e.EventId.Id == 66 && e.Message.Contains($"message {ack.Seq} of stream") && e.Message.Contains(reason)),
            Timeout, $"the refusal names the message and says: {reason}");
        await WaitForAckFloorAsync(writer, 2, "the message is terminated, not redelivered");
        hub.StoredNode()!.LastSeq.ShouldBe(3, "nothing of a malformed message is stored");

        await writer.PublishBatchesAsync(next, perMessage: 3);
        await WaitForHeadAsync(hub, 6, "the node's next good message is stored");
    }

    [Fact]
    public async Task OneRecordMessages_BeforeAndAmongBatches_StillStored()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        // A stream a node filled before it published batches, then one that came back to one-record messages.
        await writer.PublishAsync(chain.Next(5));
        await writer.PublishBatchesAsync(chain.Next(20), perMessage: 8);
        await writer.PublishAsync(chain.Next(3));
        await using var hub = await StartHubAsync();

        await WaitForHeadAsync(hub, 28);
        await WaitForAckFloorAsync(writer, 5 + 3 + 3, "every message acknowledged");
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 28).Select(i => (long)i));
        ChainVerifier.Verify(page.Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
    }

    private static IReadOnlyList<AuditRecord> TestChainOf(int count) => new TestChain().Next(count);
}
