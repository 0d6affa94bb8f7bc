using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Sync;

public sealed class AuditSyncTests
{
    [Fact]
    public async Task Hello_EmptyHub_AcksZeroWithEmptyHash()
    {
        await using var hub = await HubHarness.StartAsync();

        await using var session = await SyncSession.StartAsync(hub.Client);
        var ack = session.HelloAck;

        ack.AckedSeq.ShouldBe(0UL);
        ack.AckedHash.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public async Task Batch_ChainedRecords_AckedAndVisibleThroughApi()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await using var session = await SyncSession.StartAsync(hub.Client, headSeq: 10);

        var ack = await session.SendAsync(chain.Next(4), headSeq: 10);

        ack.AckedSeq.ShouldBe(4UL);
        ack.AckedHash.ToByteArray().ShouldBe(chain[4].Hash.ToArray());
        var node = await hub.NodeAsync();
        node.Site.ShouldBe(TestChain.Site);
        node.LastSeq.ShouldBe(4);
        node.HeadSeq.ShouldBe(10);
        node.Lag.ShouldBe(6);
        node.LastHash.ShouldBe(Convert.ToHexStringLower(chain[4].Hash.Span));
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe([1L, 2, 3, 4]);
        page.Records.Select(r => r.Hash).ShouldBe(chain.Range(1, 4).Select(r => Convert.ToHexStringLower(r.Hash.Span)));
    }

    [Fact]
    public async Task Batch_SeveralInOneStream_EachAckedAfterItsCommit()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await using var session = await SyncSession.StartAsync(hub.Client);

        (await session.SendAsync(chain.Next(3))).AckedSeq.ShouldBe(3UL);
        (await session.SendAsync(chain.Next(2))).AckedSeq.ShouldBe(5UL);
        (await session.SendAsync(Array.Empty<AuditRecord>())).AckedSeq.ShouldBe(5UL);

        (await hub.NodeAsync()).LastSeq.ShouldBe(5);
    }

    [Fact]
    public async Task Resend_SameBatchAfterReconnect_IsIdempotent()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        var batch = chain.Next(5);
        await using (var first = await SyncSession.StartAsync(hub.Client))
            (await first.SendAsync(batch)).AckedSeq.ShouldBe(5UL);

        await using var second = await SyncSession.StartAsync(hub.Client, lastAcked: 3);
        var hello = second.HelloAck;
        hello.AckedSeq.ShouldBe(5UL);
        hello.AckedHash.ToByteArray().ShouldBe(chain[5].Hash.ToArray());
        var resent = await second.SendAsync(batch);
        var overlapping = await second.SendAsync(chain.Range(3, 5).Concat(chain.Next(2)));

        resent.AckedSeq.ShouldBe(5UL);
        overlapping.AckedSeq.ShouldBe(7UL);
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe([1L, 2, 3, 4, 5, 6, 7]);
        page.LastSeq.ShouldBe(7);
    }

    [Fact]
    public async Task Restart_SameDatabase_KeepsHeadAndRecordsAndResumes()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await using (var session = await SyncSession.StartAsync(hub.Client))
            (await session.SendAsync(chain.Next(5))).AckedSeq.ShouldBe(5UL);

        await hub.RestartAsync();

        await using var resumed = await SyncSession.StartAsync(hub.Client);
        var hello = resumed.HelloAck;
        hello.AckedSeq.ShouldBe(5UL);
        hello.AckedHash.ToByteArray().ShouldBe(chain[5].Hash.ToArray());
        (await resumed.SendAsync(chain.Next(3))).AckedSeq.ShouldBe(8UL);
        var page = await hub.AuditAsync();
        page.Records.Count.ShouldBe(8);
        ChainVerifier.Verify(page.Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task Hello_SecondStreamForSameNode_SupersedesTheFirst()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await using var older = await SyncSession.StartAsync(hub.Client);
        await older.SendAsync(chain.Next(2));

        await using var newer = await SyncSession.StartAsync(hub.Client);
        var hello = newer.HelloAck;

        hello.AckedSeq.ShouldBe(2UL);
        await RpcAssert.RefusedAsync(() => older.NextAckAsync(), Grpc.Core.StatusCode.Aborted, "Superseded", 0);
        (await newer.SendAsync(chain.Next(1))).AckedSeq.ShouldBe(3UL);
    }

    [Fact]
    public async Task Hello_TwoNodes_EachHasItsOwnChain()
    {
        await using var hub = await HubHarness.StartAsync();
        var a = new TestChain("edge-a", "site-a");
        var b = new TestChain("edge-b", "site-b");
        await using var sa = await SyncSession.StartAsync(hub.Client, "edge-a", "site-a");
        await using var sb = await SyncSession.StartAsync(hub.Client, "edge-b", "site-b");

        (await sa.SendAsync(a.Next(3))).AckedSeq.ShouldBe(3UL);
        (await sb.SendAsync(b.Next(1))).AckedSeq.ShouldBe(1UL);

        var nodes = await hub.NodesAsync();
        nodes.Select(n => (n.NodeId, n.Site, n.LastSeq)).ShouldBe([("edge-a", "site-a", 3L), ("edge-b", "site-b", 1L)]);
    }

    private static AuditRecord ToRecord(AuditRecordDto dto) =>
        AuditRecordCodec.Decode(Convert.FromBase64String(dto.Canonical)) with { Hash = Convert.FromHexString(dto.Hash) };
}
