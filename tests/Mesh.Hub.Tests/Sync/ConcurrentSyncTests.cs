using Grpc.Core;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Sync;

public sealed class ConcurrentSyncTests
{
    [Fact]
    public async Task Sync_RacingStreamsForOneNode_EveryRecordStoredOnceAndChainIntact()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        chain.Next(40);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SendAllAsync(hub, chain))));

        // A superseded stream ends Aborted; a client write racing that end sees the HTTP/2 stream reset
        // as Cancelled. Either way the node reconnects, and nothing may be lost or duplicated.
        outcomes.ShouldAllBe(o => o == StatusCode.OK || o == StatusCode.Aborted || o == StatusCode.Cancelled);
        outcomes.ShouldContain(StatusCode.OK);
        await using var final = await SyncSession.StartAsync(hub.Client);
        (await final.SendAsync(chain.Range(1, 40))).AckedSeq.ShouldBe(40UL);
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 40).Select(i => (long)i));
        var records = page.Records.Select(r => AuditRecordCodec.Decode(Convert.FromBase64String(r.Canonical)) with { Hash = Convert.FromHexString(r.Hash) });
        ChainVerifier.Verify(records, nodeId: TestChain.Node).Ok.ShouldBeTrue();
    }

    /// <summary>Resumes from the hello's ack and sends the rest in batches of 5, as a node does.</summary>
    private static async Task<StatusCode> SendAllAsync(HubHarness hub, TestChain chain)
    {
        try
        {
            await using var session = await SyncSession.StartAsync(hub.Client);
            var next = (long)session.HelloAck.AckedSeq + 1;
            while (next <= chain.Head)
            {
                var ack = await session.SendAsync(chain.Range(next, Math.Min(next + 4, chain.Head)));
                next = (long)ack.AckedSeq + 1;
            }
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
