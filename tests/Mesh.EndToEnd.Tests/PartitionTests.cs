using Mesh.Cli.Chaos;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// The link between a real mesh-node process and a real hub breaks under load (a fault proxy between them), then
/// heals: the node never stops deciding and acknowledging readings, and the backlog drains to the hub afterwards with
/// every acknowledged reading stored exactly once and the chain intact.
/// </summary>
public sealed class PartitionTests
{
    private const int Devices = 10;
    private const double Rate = 200;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public Task Partition_LinkCutUnderLoad_NodeKeepsAcknowledgingAndBacklogDrainsOnce() =>
        RunAsync("site-cut", proxy => proxy.Cut());

    [Fact]
    public Task Partition_LinkBlackholedUnderLoad_NodeKeepsAcknowledgingAndBacklogDrainsOnce() =>
        RunAsync("site-hole", proxy => proxy.Blackhole());

    private static async Task RunAsync(string site, Action<FaultProxy> fault)
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        await using var proxy = FaultProxy.Start(hub.Address.Port);
        var nodeId = $"edge-{site}";
        await using var node = await RunningNode.StartAsync(nodeId, site, dir.Sub("edge"), proxy.Url, "--Node:Sync:ReconnectJitter=00:00:00.5");
        var timeline = new AckTimeline();
        using var stopSim = new CancellationTokenSource();
        var sim = new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = node.MqttPort, Sites = [site], Devices = Devices, Rate = Rate, GiveUpAfter = TimeSpan.FromMinutes(5),
        }, timeline, stopSim.Token);

        await Poll.UntilAsync(async () => await HubLastSeqAsync(hub, nodeId) > 200, Long, "the hub storing the node's first records through the proxy");
        fault(proxy);
        var faultAt = timeline.Now;
        var ackedAtFault = timeline.Acked;
        await Poll.UntilAsync(() => timeline.Acked >= ackedAtFault + (long)Rate, Long, "a second of readings acknowledged into the partition");
        var hubDuring = await HubLastSeqAsync(hub, nodeId);
        await Poll.UntilAsync(() => timeline.Acked >= ackedAtFault + (long)(5 * Rate), Long, "five seconds of readings acknowledged while the hub is unreachable");
        var hubBeforeHeal = await HubLastSeqAsync(hub, nodeId);
        var healAt = timeline.Now;
        proxy.Heal();

        var ackedAtHeal = timeline.Acked;
        await Poll.UntilAsync(() => timeline.Acked >= ackedAtHeal + (long)(2 * Rate), Long, "readings acknowledged after the heal");
        await stopSim.CancelAsync();
        var result = await sim;
        // Readings in flight when the simulator stopped may still land: compare with the head as it is at each poll.
        var head = 0L;
        await Poll.UntilAsync(async () => await HubLastSeqAsync(hub, nodeId) == (head = JournalHead(node.JournalPath)), Long, "the backlog draining to the hub");

        hubBeforeHeal.ShouldBe(hubDuring, "nothing crossed the broken link");
        head.ShouldBeGreaterThan(hubBeforeHeal, "the partition left a backlog on the node");
        timeline.LongestStall(faultAt, healAt).ShouldBeLessThan(TimeSpan.FromSeconds(3), "the node never stopped acknowledging readings during the partition");
        result.Acknowledged.ShouldBeGreaterThan(ackedAtHeal);
        await ShouldHoldEachAcknowledgedReadingOnceAsync(hub, nodeId, site, result);
        var verdict = await AuditChainChecker.VerifyHubAsync(hub.Http, nodeId);
        verdict.Ok.ShouldBeTrue(verdict.Describe());
        // A late record (a reading still in flight at the simulator's stop) may have reached the hub since the drain check:
        // the verified chain covers at least everything drained.
        verdict.Verdict.Head.Sequence.ShouldBeGreaterThanOrEqualTo(head);
    }

    internal static async Task<long> HubLastSeqAsync(LocalHub hub, string nodeId)
    {
        var nodes = await hub.Http.GetFromJsonAsync<JsonElement>("api/nodes");
        foreach (var n in nodes.EnumerateArray())
            if (n.GetProperty("nodeId").GetString() == nodeId)
                return n.GetProperty("lastSeq").GetInt64();
        return 0;
    }

    internal static long JournalHead(string journalPath)
    {
        using var c = AuditJournalStore.OpenReader(journalPath);
        return AuditJournalStore.ReadLast(c)?.Sequence ?? 0;
    }

    /// <summary>Every reading the simulator saw acknowledged has exactly one Observation record at the hub, and no
    /// reading has two.</summary>
    internal static async Task ShouldHoldEachAcknowledgedReadingOnceAsync(LocalHub hub, string nodeId, string site, SimulationResult result)
    {
        var observations = (await HubAudit.ReadAllAsync(hub.Http, nodeId))
            .Where(r => r.GetProperty("kind").GetString() == "Observation")
            .GroupBy(r => r.GetProperty("messageKey").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
        observations.Where(o => o.Value > 1).Select(o => o.Key).ShouldBeEmpty("no reading is stored twice at the hub");
        var acked = result.AckedSeqs.Where(d => d.Key.Site == site).SelectMany(d => d.Value.Select(seq => $"{d.Key.Device}#{seq}")).ToList();
        acked.Count.ShouldBe((int)result.Acknowledged);
        acked.Where(key => !observations.ContainsKey(key)).ShouldBeEmpty("every acknowledged reading reached the hub");
    }
}
