using Google.Protobuf;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Tests.Audit;

namespace Mesh.Protocol.Tests.Grpc;

public class SyncMessagesTests
{
    private static T RoundTrip<T>(T message, MessageParser<T> parser) where T : IMessage<T> =>
        parser.ParseFrom(message.ToByteArray());

    [Fact]
    public void NodeMessage_Hello_RoundTrips()
    {
        var message = new NodeMessage
        {
            Hello = new SyncHello { NodeId = "node-1", Site = "site-a", LastAckedSeq = 41, HeadSeq = 100 },
        };

        var parsed = RoundTrip(message, NodeMessage.Parser);

        parsed.ShouldBe(message);
        parsed.BodyCase.ShouldBe(NodeMessage.BodyOneofCase.Hello);
        parsed.Hello.LastAckedSeq.ShouldBe(41UL);
        parsed.Hello.HeadSeq.ShouldBe(100UL);
    }

    [Fact]
    public void NodeMessage_BatchOfRealRecords_RoundTripsAndStillVerifies()
    {
        var chain = TestRecords.Chain(3);
        var batch = new AuditBatch { HeadSeq = 3 };
        batch.Records.AddRange(chain.Select(r => new AuditRecordEnvelope
        {
            Canonical = ByteString.CopyFrom(AuditRecordCodec.Encode(r)),
            Hash = ByteString.CopyFrom(r.Hash.Span),
        }));
        var message = new NodeMessage { Batch = batch };

        var parsed = RoundTrip(message, NodeMessage.Parser);

        parsed.ShouldBe(message);
        parsed.BodyCase.ShouldBe(NodeMessage.BodyOneofCase.Batch);
        parsed.Batch.Records.Count.ShouldBe(3);
        var received = parsed.Batch.Records.Select(e => AuditRecordCodec.Decode(e.Canonical.Span) with { Hash = e.Hash.Memory }).ToList();
        received.ShouldBe(chain);
        ChainVerifier.Verify(received, nodeId: TestRecords.Node).Verified.ShouldBe(3);
    }

    [Fact]
    public void HubMessage_Ack_RoundTrips()
    {
        var hash = TestRecords.Chain(1)[0].Hash;
        var message = new HubMessage { Ack = new SyncAck { AckedSeq = 1, AckedHash = ByteString.CopyFrom(hash.Span) } };

        var parsed = RoundTrip(message, HubMessage.Parser);

        parsed.ShouldBe(message);
        parsed.BodyCase.ShouldBe(HubMessage.BodyOneofCase.Ack);
        parsed.Ack.AckedSeq.ShouldBe(1UL);
        parsed.Ack.AckedHash.ToByteArray().ShouldBe(hash.ToArray());
    }

    [Fact]
    public void NodeMessage_Empty_ParsesWithNoBody()
    {
        var parsed = RoundTrip(new NodeMessage(), NodeMessage.Parser);

        parsed.BodyCase.ShouldBe(NodeMessage.BodyOneofCase.None);
    }
}
