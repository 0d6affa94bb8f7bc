using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Fuzz;

/// <summary>
/// Bytes no node would send, straight onto the hub's node-facing RPCs through a raw marshaller: a message over
/// Hub:MaxReceiveMessageBytes, bytes that are not protobuf, a protobuf of the wrong shape. On the sync stream each is
/// refused with a status, a detail and the mesh-problem trailer that name the reason, and the hub's sync-refused log entry
/// (where the hub records sync problems). Watch, Exchange and the enrollment methods are bound so that the hub reads their request itself
/// (OwnReadMethods): the same bytes get the same named refusals there, logged as event 55. Either way the hub stays up and a good node's stream that follows is served.
/// </summary>
public sealed class MalformedGrpcTests
{
    private const int MaxReceive = 64 * 1024;

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    private static readonly Method<byte[], byte[]> Sync = new(MethodType.DuplexStreaming, AuditSync.Descriptor.FullName, "Sync", Raw, Raw);

    private static readonly Method<byte[], byte[]> Watch = new(MethodType.ServerStreaming, NodeControl.Descriptor.FullName, "Watch", Raw, Raw);

    private static readonly Method<byte[], byte[]> Exchange = new(MethodType.Unary, SiteGossip.Descriptor.FullName, "Exchange", Raw, Raw);

    private static readonly Method<byte[], byte[]> Enroll = new(MethodType.Unary, Mesh.Protocol.Grpc.Enrollment.Descriptor.FullName, "Enroll", Raw, Raw);

    /// <summary>Exchange as a stream, so that a call can end without sending its request.</summary>
    private static readonly Method<byte[], byte[]> ExchangeStream = new(MethodType.DuplexStreaming, SiteGossip.Descriptor.FullName, "Exchange", Raw, Raw);

    public static TheoryData<string> BadBytes => new() { "oversized", "not-protobuf", "truncated" };

    private static byte[] Bytes(string kind) => kind switch
    {
        "oversized" => Hello(new string('x', MaxReceive + 1)),
        "not-protobuf" => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
        // A hello whose length prefix promises more bytes than follow.
        "truncated" => Hello("edge-1")[..^3],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static byte[] Hello(string nodeId) =>
        new NodeMessage { Hello = new SyncHello { NodeId = nodeId, Site = TestChain.Site } }.ToByteArray();

    [Theory]
    [MemberData(nameof(BadBytes))]
    public async Task SyncStream_BadBytes_RefusedWithReasonRecordedAndAGoodNodeServed(string kind)
    {
        await using var hub = await HubHarness.StartAsync($"--Hub:MaxReceiveMessageBytes={MaxReceive}");
        using var channel = GrpcChannel.ForAddress(hub.Address, new GrpcChannelOptions { MaxSendMessageSize = null });

        var ex = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(Sync, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(15)));
            await call.RequestStream.WriteAsync(Bytes(kind));
            await call.ResponseStream.MoveNext();
        });

        var problem = kind == "oversized" ? "MessageTooLarge" : "Malformed";
        ex.StatusCode.ShouldBe(kind == "oversized" ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument, ex.ToString());
        ex.Trailers.GetValue("mesh-problem").ShouldBe(problem, ex.Status.Detail);
        ex.Status.Detail.ShouldContain(kind == "oversized" ? "Hub:MaxReceiveMessageBytes" : "not a valid NodeMessage");
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 14 && e.Message.Contains(problem), string.Join("\n", hub.Logs.Entries));
        await GoodNodeServedAsync(hub);
    }

    /// <summary>Field 1 (the hello) as a varint instead of a message: protobuf keeps it as an unknown field, so the
    /// message reads as one with no body, and the stream is refused for that.</summary>
    [Fact]
    public async Task SyncStream_WrongWireType_RefusedAsAStreamWithoutHello()
    {
        await using var hub = await HubHarness.StartAsync();
        using var channel = GrpcChannel.ForAddress(hub.Address);

        var ex = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(Sync, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(15)));
            await call.RequestStream.WriteAsync([0x08, 0x96, 0x01]);
            await call.ResponseStream.MoveNext();
        });

        ex.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        ex.Trailers.GetValue("mesh-problem").ShouldBe("HelloRequired");
        await GoodNodeServedAsync(hub);
    }

    [Theory]
    [MemberData(nameof(BadBytes))]
    public async Task ControlGossipAndEnroll_BadBytes_RefusedWithReasonRecordedAndAGoodNodeServed(string kind)
    {
        await using var hub = await HubHarness.StartAsync($"--Hub:MaxReceiveMessageBytes={MaxReceive}");
        using var channel = GrpcChannel.ForAddress(hub.Address, new GrpcChannelOptions { MaxSendMessageSize = null });
        var invoker = channel.CreateCallInvoker();
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(15));

        var watch = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = invoker.AsyncServerStreamingCall(Watch, null, options, Bytes(kind));
            await call.ResponseStream.MoveNext();
        });
        var gossip = await Should.ThrowAsync<RpcException>(async () => await invoker.AsyncUnaryCall(Exchange, null, options, Bytes(kind)));
        var enroll = await Should.ThrowAsync<RpcException>(async () => await invoker.AsyncUnaryCall(Enroll, null, options, Bytes(kind)));

        var problem = kind == "oversized" ? "MessageTooLarge" : "Malformed";
        foreach (var (ex, request) in new[] { (watch, "WatchRequest"), (gossip, "GossipRequest"), (enroll, "EnrollRequest") })
        {
            ex.StatusCode.ShouldBe(kind == "oversized" ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument, ex.ToString());
            ex.Trailers.GetValue("mesh-problem").ShouldBe(problem, ex.Status.Detail);
            ex.Status.Detail.ShouldContain(kind == "oversized" ? $"larger than {MaxReceive} bytes (Hub:MaxReceiveMessageBytes)" : $"not a valid {request}");
        }
        var refusals = hub.Logs.Entries.Where(e => e.EventId.Id == 55 && e.Message.Contains(problem)).Select(e => e.Message).ToList();
        refusals.ShouldContain(m => m.Contains("/mesh.v1.NodeControl/Watch"), string.Join("\n", hub.Logs.Entries));
        refusals.ShouldContain(m => m.Contains("/mesh.v1.SiteGossip/Exchange"), string.Join("\n", hub.Logs.Entries));
        refusals.ShouldContain(m => m.Contains("/mesh.v1.Enrollment/Enroll"), string.Join("\n", hub.Logs.Entries));
        await GoodNodeServedAsync(hub);
    }

    /// <summary>Bound by the hub rather than gRPC, Watch and Exchange still serve a node's generated clients: the
    /// watch delivers the site's policy and the exchange answers with a cursor.</summary>
    [Fact]
    public async Task ControlAndGossip_GeneratedClients_Served()
    {
        await using var hub = await HubHarness.StartAsync();
        using var channel = GrpcChannel.ForAddress(hub.Address);

        var reply = await new SiteGossip.SiteGossipClient(channel).ExchangeAsync(
            new GossipRequest { NodeId = "edge-1", Site = TestChain.Site }, deadline: DateTime.UtcNow.AddSeconds(15));
        reply.Entries.ShouldBeEmpty();

        var empty = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(ExchangeStream, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(15)));
            await call.RequestStream.CompleteAsync();
            await call.ResponseStream.MoveNext();
        });
        empty.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        empty.Status.Detail.ShouldContain("ended without its GossipRequest");
    }

    private static async Task GoodNodeServedAsync(HubHarness hub)
    {
        var chain = new TestChain();
        await using var session = await SyncSession.StartAsync(hub.Client);
        (await session.SendAsync(chain.Next(5))).AckedSeq.ShouldBe(5UL);
        (await hub.NodeAsync()).LastSeq.ShouldBe(5);
    }
}
