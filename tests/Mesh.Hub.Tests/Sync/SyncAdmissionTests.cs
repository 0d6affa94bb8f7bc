using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Hub.Sync;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Sync;

/// <summary>Admission control: beyond Hub:MaxSyncStreams a stream is shed at once with a retry hint, and a storm of
/// nodes still gets everything stored, once.</summary>
public sealed class SyncAdmissionTests
{
    private static async Task<SyncStatus> StatusAsync(HubHarness hub) =>
        (await hub.Http.GetFromJsonAsync<SyncStatus>("/api/sync/status"))!;

    private static long RetryAfterMs(RpcException ex) =>
        long.Parse(ex.Trailers.GetValue(AuditSyncTrailers.RetryAfterMs).ShouldNotBeNull("a shed stream says when to come back"), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Sync_MoreStreamsThanTheLimit_ShedsTheNextWithResourceExhaustedAndAJitteredHint()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:MaxSyncStreams=2", "--Hub:SyncRetryAfter=00:00:02");
        await using var first = await SyncSession.StartAsync(hub.Client, node: "node-1");
        await using var second = await SyncSession.StartAsync(hub.Client, node: "node-2");

        var hints = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var ex = await RpcAssert.RefusedAsync(async () => await (await SyncSession.StartAsync(hub.Client, node: "node-3")).DisposeAsync(),
                StatusCode.ResourceExhausted, nameof(SyncProblem.Overloaded), 0);
            ex.Status.Detail.ShouldContain("Hub:MaxSyncStreams");
            hints.Add(RetryAfterMs(ex));
        }

        hints.ShouldAllBe(ms => ms >= 1000 && ms <= 3000);
        hints.Distinct().Count().ShouldBeGreaterThan(1, "jittered per refusal");
        var status = await StatusAsync(hub);
        status.ShouldBe(new SyncStatus(2, 2, 2, 2, 5));
        hub.Logs.Entries.Count(e => e.EventId.Id == 16).ShouldBe(5);
        (await hub.NodesAsync()).ShouldNotContain(n => n.NodeId == "node-3", "a shed stream touches nothing");
    }

    [Fact]
    public async Task Sync_StreamEnds_ItsSlotIsFreeForTheNext()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:MaxSyncStreams=1");
        await using (var first = await SyncSession.StartAsync(hub.Client, node: "node-1"))
            (await first.SendAsync(new TestChain("node-1").Next(3))).AckedSeq.ShouldBe(3UL);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await StatusAsync(hub)).ActiveStreams != 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        await using var next = await SyncSession.StartAsync(hub.Client, node: "node-2");

        next.HelloAck.AckedSeq.ShouldBe(0UL);
        (await StatusAsync(hub)).Shed.ShouldBe(0);
    }

    [Fact]
    public async Task Sync_NodeReplacingItsOwnStreamAtTheLimit_IsAdmitted()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:MaxSyncStreams=1");
        var chain = new TestChain();
        await using var old = await SyncSession.StartAsync(hub.Client);
        (await old.SendAsync(chain.Next(2))).AckedSeq.ShouldBe(2UL);

        await using var replacement = await SyncSession.StartAsync(hub.Client);

        replacement.HelloAck.AckedSeq.ShouldBe(2UL, "a reconnecting node is never shed by its own half-dead stream");
        (await StatusAsync(hub)).Shed.ShouldBe(0);
    }

    [Fact]
    public async Task Sync_HundredNodesAgainstALowLimit_SomeShedAllStoreEverythingOnce()
    {
        const int nodes = 100, records = 60, limit = 8;
        await using var hub = await HubHarness.StartAsync($"--Hub:MaxSyncStreams={limit}", "--Hub:SyncRetryAfter=00:00:00.1");
        var chains = Enumerable.Range(1, nodes).Select(i => new TestChain($"node-{i:D3}")).ToList();
        foreach (var chain in chains)
            chain.Next(records);
        var shedSeen = new ConcurrentBag<long>();

        await Task.WhenAll(chains.Select(chain => Task.Run(() => SyncUntilStoredAsync(hub.Address, chain, shedSeen))));

        shedSeen.ShouldNotBeEmpty("the limit is far below the fleet");
        shedSeen.ShouldAllBe(ms => ms >= 50 && ms <= 150);
        var status = await StatusAsync(hub);
        status.Shed.ShouldBe(shedSeen.Count);
        status.PeakStreams.ShouldBeLessThanOrEqualTo(limit);
        status.ActiveStreams.ShouldBeLessThanOrEqualTo(limit);
        foreach (var chain in chains)
        {
            var page = await hub.AuditAsync(chain.NodeId);
            page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, records).Select(i => (long)i), $"{chain.NodeId}: every record once");
            var stored = page.Records.Select(r => AuditRecordCodec.Decode(Convert.FromBase64String(r.Canonical)) with { Hash = Convert.FromHexString(r.Hash) });
            ChainVerifier.Verify(stored, nodeId: chain.NodeId).Ok.ShouldBeTrue(chain.NodeId);
        }
        (await hub.Http.GetStringAsync("/healthz")).ShouldBe("ok");
    }

    /// <summary>A node's sync loop: resume from the hello's ack in batches of 10; when shed, wait the hub's hint and retry.</summary>
    private static async Task SyncUntilStoredAsync(Uri hub, TestChain chain, ConcurrentBag<long> shedSeen)
    {
        using var channel = GrpcChannel.ForAddress(hub);
        var client = new AuditSync.AuditSyncClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"{chain.NodeId} never got everything stored");
            try
            {
                await using var session = await SyncSession.StartAsync(client, chain.NodeId, chain.SiteId);
                var next = (long)session.HelloAck.AckedSeq + 1;
                while (next <= chain.Head)
                    next = (long)(await session.SendAsync(chain.Range(next, Math.Min(next + 9, chain.Head)), (ulong)chain.Head)).AckedSeq + 1;
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                var wait = RetryAfterMs(ex);
                shedSeen.Add(wait);
                await Task.Delay(TimeSpan.FromMilliseconds(wait));
            }
        }
    }
}
