using System.Net;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Hosting;

/// <summary>The hub's Prometheus scrape endpoint: for signed-in users and tokens only, and its counters follow what the hub
/// stores and refuses. The meters are process-wide and other tests' hubs run beside this one, so the checks are on growth
/// at least as large as this test's own traffic.</summary>
public sealed class HubMetricsTests
{
    [Fact]
    public async Task Metrics_AfterStoredAndRefusedBatches_CountersGrowAndAnonymousIsRefused()
    {
        await using var hub = await HubHarness.StartAsync();
        var http = hub.HttpAs("alice");
        var before = PrometheusText.Parse(await http.GetStringAsync("/metrics"));

        var chain = new TestChain();
        await using (var session = await SyncSession.StartAsync(hub.Client, chain.NodeId, chain.SiteId))
            (await session.SendAsync(chain.Next(5))).AckedSeq.ShouldBe(5UL);
        chain.Next(4);
        await using (var session = await SyncSession.StartAsync(hub.Client))
            await RpcAssert.RefusedAsync(() => session.SendAsync([TestChain.Envelope(chain[6]), TestChain.Envelope(chain[9])]),
                Grpc.Core.StatusCode.FailedPrecondition, "Gap", 9);

        var after = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
        Growth("mesh_hub_records_stored_total").ShouldBeGreaterThanOrEqualTo(5);
        Growth("mesh_hub_batches_stored_total").ShouldBeGreaterThanOrEqualTo(1);
        Growth("mesh_hub_batches_refused_total", ("problem", "Gap")).ShouldBeGreaterThanOrEqualTo(1);
        Growth("mesh_hub_records_refused_total", ("problem", "Gap")).ShouldBeGreaterThanOrEqualTo(2);
        after.ShouldContain(s => s.Name == "mesh_hub_sync_streams", "the streams gauge is exported");

        using var anonymous = Mesh.Hub.HubApp.CreateHttpClient(hub.Address);
        (await anonymous.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        double Growth(string name, params (string, string)[] labels) =>
            PrometheusText.Sum(after, name, labels) - PrometheusText.Sum(before, name, labels);
    }
}
