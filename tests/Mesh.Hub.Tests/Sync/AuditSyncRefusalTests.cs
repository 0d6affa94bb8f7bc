using Google.Protobuf;
using Grpc.Core;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Sync;

/// <summary>Every bad batch is refused whole with a precise status, problem and first bad sequence;
/// nothing of it is stored, and the hub keeps serving. Each starts from records 1..5 stored.</summary>
public sealed class AuditSyncRefusalTests
{
    public enum Defect
    {
        Gap,
        Fork,
        ForkOfStoredRecord,
        OutOfOrder,
        Tampered,
        WrongEnvelopeHash,
        Malformed,
        OtherNode,
        OtherSite,
    }

    [Theory]
    [InlineData(Defect.Gap, StatusCode.FailedPrecondition, "Gap", 9)]
    [InlineData(Defect.Fork, StatusCode.FailedPrecondition, "Fork", 8)]
    [InlineData(Defect.ForkOfStoredRecord, StatusCode.FailedPrecondition, "Fork", 4)]
    [InlineData(Defect.OutOfOrder, StatusCode.FailedPrecondition, "OutOfOrder", 7)]
    [InlineData(Defect.Tampered, StatusCode.InvalidArgument, "HashMismatch", 7)]
    [InlineData(Defect.WrongEnvelopeHash, StatusCode.InvalidArgument, "HashMismatch", 7)]
    [InlineData(Defect.Malformed, StatusCode.InvalidArgument, "Malformed", 7)]
    [InlineData(Defect.OtherNode, StatusCode.PermissionDenied, "WrongNode", 7)]
    [InlineData(Defect.OtherSite, StatusCode.PermissionDenied, "WrongSite", 7)]
    public async Task Batch_WithDefect_RefusedWholeAndHubKeepsServing(Defect defect, StatusCode status, string problem, long firstBadSeq)
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await StoreAsync(hub, chain, 5);
        chain.Next(4);

        await using (var session = await SyncSession.StartAsync(hub.Client))
        {
            var ex = await RpcAssert.RefusedAsync(() => session.SendAsync(BadBatch(defect, chain)), status, problem, firstBadSeq);
            ex.Status.Detail.ShouldStartWith($"node {TestChain.Node}: {problem} at sequence {firstBadSeq}: ");
        }

        (await hub.NodeAsync()).LastSeq.ShouldBe(5);
        (await hub.AuditAsync()).Records.Select(r => r.Seq).ShouldBe([1L, 2, 3, 4, 5]);
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 14 && e.Message.Contains(problem));
        await using var retry = await SyncSession.StartAsync(hub.Client);
        retry.HelloAck.AckedSeq.ShouldBe(5UL);
        (await retry.SendAsync(chain.Range(6, 9))).AckedSeq.ShouldBe(9UL);
    }

    [Fact]
    public async Task Batch_Gap_MessageSaysWhatIsMissing()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await StoreAsync(hub, chain, 50);
        chain.Next(10);
        await using var session = await SyncSession.StartAsync(hub.Client);

        var ex = await RpcAssert.RefusedAsync(() => session.SendAsync(chain.Range(57, 60)), StatusCode.FailedPrecondition, "Gap", 57);

        ex.Status.Detail.ShouldBe("node edge-1: Gap at sequence 57: expected sequence 51, got 57: 6 record(s) missing");
    }

    [Fact]
    public async Task Batch_MoreRecordsThanMaxBatchRecords_RefusedAndNothingStored()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:MaxBatchRecords=3");
        var chain = new TestChain();
        await using var session = await SyncSession.StartAsync(hub.Client);

        var ex = await RpcAssert.RefusedAsync(() => session.SendAsync(chain.Next(4)), StatusCode.InvalidArgument, "BatchTooLarge", 1);

        ex.Status.Detail.ShouldContain("Hub:MaxBatchRecords");
        (await hub.NodeAsync()).LastSeq.ShouldBe(0);
    }

    [Fact]
    public async Task Batch_BeforeHello_RefusedAsHelloRequired()
    {
        await using var hub = await HubHarness.StartAsync();
        await using var session = SyncSession.Open(hub.Client);

        await RpcAssert.RefusedAsync(() => session.SendAsync(new TestChain().Next(1)), StatusCode.FailedPrecondition, "HelloRequired", 0);

        (await hub.NodesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Hello_SecondOnSameStream_RefusedAsDuplicateHello()
    {
        await using var hub = await HubHarness.StartAsync();
        await using var session = await SyncSession.StartAsync(hub.Client);

        await RpcAssert.RefusedAsync(() => session.HelloAsync(), StatusCode.FailedPrecondition, "DuplicateHello", 0);
    }

    [Theory]
    [InlineData("", TestChain.Site)]
    [InlineData(TestChain.Node, "")]
    [InlineData(" edge-1", TestChain.Site)]
    public async Task Hello_WithoutUsableIds_RefusedAsInvalidHello(string node, string site)
    {
        await using var hub = await HubHarness.StartAsync();
        await using var session = SyncSession.Open(hub.Client);

        await RpcAssert.RefusedAsync(() => session.HelloAsync(node, site), StatusCode.InvalidArgument, "InvalidHello", 0);

        (await hub.NodesAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("jetson\norin", "0.6.0", "profile")]
    [InlineData("jetson-orin-nano", " 0.6.0", "version")]
    public async Task Hello_WithAnUnusableProfileOrVersion_RefusedAsInvalidHelloNamingTheField(string profile, string version, string field)
    {
        await using var hub = await HubHarness.StartAsync();
        await using var session = SyncSession.Open(hub.Client);

        var refused = await Should.ThrowAsync<Grpc.Core.RpcException>(() => session.SendAsync(new Mesh.Protocol.Grpc.NodeMessage
        {
            Hello = new Mesh.Protocol.Grpc.SyncHello { NodeId = TestChain.Node, Site = TestChain.Site, Profile = profile, Version = version },
        }));

        refused.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        refused.Status.Detail.ShouldContain(field);
        (await hub.NodesAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Hello_KnownNodeAtAnotherSite_RefusedAsWrongSite()
    {
        await using var hub = await HubHarness.StartAsync();
        await StoreAsync(hub, new TestChain(), 2);
        await using var session = SyncSession.Open(hub.Client);

        var ex = await RpcAssert.RefusedAsync(() => session.HelloAsync(TestChain.Node, "site-b"), StatusCode.PermissionDenied, "WrongSite", 0);

        ex.Status.Detail.ShouldContain("'site-a'");
        (await hub.NodeAsync()).Site.ShouldBe(TestChain.Site);
    }

    private static async Task StoreAsync(HubHarness hub, TestChain chain, int count)
    {
        await using var session = await SyncSession.StartAsync(hub.Client, chain.NodeId, chain.SiteId);
        (await session.SendAsync(chain.Next(count))).AckedSeq.ShouldBe((ulong)chain.Head);
    }

    /// <summary>A batch continuing a chain whose records 1..5 are stored and 6..9 exist on the node.</summary>
    private static List<AuditRecordEnvelope> BadBatch(Defect defect, TestChain chain)
    {
        var six = TestChain.Envelope(chain[6]);
        var seven = TestChain.Envelope(chain[7]);
        return defect switch
        {
            Defect.Gap => [six, seven, TestChain.Envelope(chain[9])],
            Defect.Fork => [six, seven, TestChain.Envelope(TestChain.Make(8, new byte[32]))],
            Defect.ForkOfStoredRecord => [TestChain.Envelope((chain[4] with { Body = "{\"other\":true}" }).Seal()), six],
            Defect.OutOfOrder => [six, seven, seven],
            Defect.Tampered => [six, new AuditRecordEnvelope
            {
                Canonical = ByteString.CopyFrom(AuditRecordCodec.Encode(chain[7] with { Body = "{\"tampered\":true}" })),
                Hash = ByteString.CopyFrom(chain[7].Hash.Span),
            }],
            Defect.WrongEnvelopeHash => [six, new AuditRecordEnvelope { Canonical = seven.Canonical, Hash = ByteString.CopyFrom(new byte[32]) }],
            Defect.Malformed => [six, new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(1, 2, 3), Hash = ByteString.CopyFrom(new byte[32]) }],
            Defect.OtherNode => [six, TestChain.Envelope(TestChain.Make(7, chain[6].Hash, node: "edge-2"))],
            Defect.OtherSite => [six, TestChain.Envelope(TestChain.Make(7, chain[6].Hash, site: "site-b"))],
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };
    }
}
