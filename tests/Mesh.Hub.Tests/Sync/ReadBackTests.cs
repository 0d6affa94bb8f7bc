using Grpc.Core;
using Mesh.Hub.Sync;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Sync;

/// <summary><c>AuditSync.ReadBack</c> against the real hub: what a node rebuilding a damaged journal reads back of its own
/// stream, and that over mutual TLS it reads its own stream only.</summary>
public sealed class ReadBackTests
{
    [Fact]
    public async Task ReadBack_FromASequence_RecordsInOrderInBatchesWithTheHubsHead()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        var sent = chain.Next(AuditSyncService.ReadBackBatch + 20);
        await using (var session = await SyncSession.StartAsync(hub.Client))
            (await session.SendAsync(sent)).AckedSeq.ShouldBe((ulong)sent.Count);

        var replies = await ReadAllAsync(hub.Client, TestChain.Node, TestChain.Site, from: 10);

        replies.Count.ShouldBe(2, "one batch of ReadBackBatch records, then the rest");
        var headHash = Convert.ToHexString(sent[sent.Count - 1].Hash.Span);
        foreach (var reply in replies)
            (reply.HubHeadSeq, Convert.ToHexString(reply.HubHeadHash.Span)).ShouldBe(((ulong)sent.Count, headHash));
        var records = replies.SelectMany(r => r.Records).Select(e => AuditRecordCodec.Decode(e.Canonical.Span) with { Hash = e.Hash.ToByteArray() }).ToList();
        records.Select(r => r.Sequence).ShouldBe(Enumerable.Range(10, sent.Count - 9).Select(i => (long)i));
        records.ShouldBe(sent.Skip(9));
    }

    [Fact]
    public async Task ReadBack_UnknownNodeOrPastTheHead_OneReplyNamingTheHead()
    {
        await using var hub = await HubHarness.StartAsync();
        var client = hub.Client;

        var unknown = (await ReadAllAsync(client, "edge-new", TestChain.Site, from: 1)).ShouldHaveSingleItem();
        (unknown.HubHeadSeq, unknown.Records.Count, unknown.HubHeadHash.Length).ShouldBe((0UL, 0, 0));

        var chain = new TestChain();
        await using (var session = await SyncSession.StartAsync(hub.Client))
            await session.SendAsync(chain.Next(5));
        var past = (await ReadAllAsync(client, TestChain.Node, TestChain.Site, from: 9)).ShouldHaveSingleItem();
        (past.HubHeadSeq, past.Records.Count).ShouldBe((5UL, 0));
    }

    [Fact]
    public async Task ReadBack_OverMutualTls_AnotherNodesStream_PermissionDenied()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:Enrollment:PlaintextNodes=false");
        using var node = await TlsNode.EnrollAsync(hub, "edge-r1", "site-a");

        var own = (await ReadAllAsync(node.Sync, "edge-r1", "site-a", from: 1)).ShouldHaveSingleItem();
        own.HubHeadSeq.ShouldBe(0UL);
        var ex = await Should.ThrowAsync<RpcException>(() => ReadAllAsync(node.Sync, "edge-r2", "site-a", from: 1));

        ex.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        ex.Status.Detail.ShouldBe("this connection's certificate is node 'edge-r1' of site 'site-a'; it may not read back the audit stream of node 'edge-r2'");
    }

    private static async Task<List<ReadBackReply>> ReadAllAsync(AuditSync.AuditSyncClient client, string node, string site, long from)
    {
        using var call = client.ReadBack(new ReadBackRequest { NodeId = node, Site = site, FromSeq = (ulong)from }, deadline: DateTime.UtcNow.AddSeconds(15));
        var replies = new List<ReadBackReply>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
            replies.Add(reply);
        return replies;
    }
}
