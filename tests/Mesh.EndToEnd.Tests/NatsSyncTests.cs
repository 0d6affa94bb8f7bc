using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>Audit sync over NATS JetStream: a mesh-node publishing its journal, the hub consuming the site's stream.</summary>
public sealed class NatsSyncTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NodeProcessOverNats_EveryAcknowledgedReadingStoredAtHub_ChainVerifies()
    {
        using var dir = new TempDirectory();
        using var nats = await NatsServer.StartAsync();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"), extraArgs: [$"--Hub:Nats:Url={nats.Url}", "--Hub:Nats:DiscoverInterval=00:00:00.2"]);
        // The hub's gRPC address still carries the control stream; the journal goes to JetStream.
        await using var node = await RunningNode.StartAsync("edge-n", "site-n", dir.Sub("edge-n"), hub.Address.ToString(),
            "--Node:Sync:Transport=Nats", $"--Node:Sync:NatsUrl={nats.Url}");

        var sim = await new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = node.MqttPort, Sites = ["site-n"], Devices = 10, ReadingsPerDevice = 100, Rate = 0,
        }, null, CancellationToken.None);

        sim.Acknowledged.ShouldBe(1000);
        await AssertAllAtHubAsync(hub, node.JournalPath, "edge-n", sim);
    }

    [Fact]
    public async Task LeafNodeExample_RecordsPublishedAtTheLeaf_ReachTheHubAlsoAfterTheWanReturns()
    {
        using var dir = new TempDirectory();
        int hubClient = NodeProcess.FreePort(), leafListen = NodeProcess.FreePort(), edgeClient = NodeProcess.FreePort();
        using var hubNats = await NatsServer.StartExampleAsync("hub.conf", hubClient, new Dictionary<int, int> { [4222] = hubClient, [7422] = leafListen });
        using var leaf = await NatsServer.StartExampleAsync("edge-leaf.conf", edgeClient, new Dictionary<int, int> { [4222] = edgeClient, [7422] = leafListen });
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"), extraArgs:
            [$"--Hub:Nats:Url={hubNats.Url}", "--Hub:Nats:Domains:0=edge-site-a", "--Hub:Nats:DiscoverInterval=00:00:00.2"]);
        await using var node = await LocalNode.StartAsync("edge-a", "site-a", dir.Sub("edge-a"), hubUrl: null,
            extraArgs: [NodeArgs.Anonymous, "--Node:Sync:Transport=Nats", $"--Node:Sync:NatsUrl={leaf.Url}", "--Node:Sync:MaxBackoff=00:00:01"]);

        var first = await Publish(node, 1, 20);
        await node.Journal.CheckpointNowAsync();
        await AssertAllAtHubAsync(hub, node.JournalPath, "edge-a", first);

        // The WAN (here: the hub's NATS server) goes away; the site's leaf goes on taking the records.
        hubNats.Stop();
        var offline = await Publish(node, 1000, 20);
        await node.Journal.CheckpointNowAsync();
        await Poll.UntilAsync(() => node.Stats.HubAcked == node.Journal.Head, Timeout, "the leaf's JetStream holds the backlog");
        await hubNats.StartAsync(TimeSpan.FromSeconds(20));

        await AssertAllAtHubAsync(hub, node.JournalPath, "edge-a", offline);
    }

    private static Task<SimulationResult> Publish(LocalNode node, long startSeq, int perDevice) =>
        new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = node.MqttPort, Sites = ["site-a"], Devices = 5, ReadingsPerDevice = perDevice, Rate = 0, StartSeq = startSeq,
        }, null, CancellationToken.None);

    /// <summary>Waits until the hub holds the whole journal, then checks every acknowledged reading's Observation
    /// is there and the chain verifies.</summary>
    private static async Task AssertAllAtHubAsync(LocalHub hub, string journalPath, string nodeId, SimulationResult sim)
    {
        long atHub = 0, journal = 0;
        await Poll.UntilAsync(async () =>
        {
            journal = JournalCounts.Read(journalPath).Records;
            var nodes = await hub.Http.GetFromJsonAsync<JsonElement>("api/nodes");
            atHub = nodes.EnumerateArray().Where(n => n.GetProperty("nodeId").GetString() == nodeId).Select(n => n.GetProperty("lastSeq").GetInt64()).FirstOrDefault();
            return journal > 0 && atHub == journal;
        }, Timeout, $"the hub stores the whole journal of {nodeId}");
        var records = await HubAudit.ReadAllAsync(hub.Http, nodeId);
        var observed = records.Where(r => r.GetProperty("kind").GetString() == "Observation")
            .Select(r => r.GetProperty("messageKey").GetString()).ToHashSet();
        var missing = sim.AckedSeqs.SelectMany(kv => kv.Value.Select(seq => $"{kv.Key.Device}#{seq}")).Where(k => !observed.Contains(k)).ToList();
        missing.ShouldBeEmpty("every acknowledged reading has its Observation record at the hub");
        var verdict = await AuditChainChecker.VerifyHubAsync(hub.Http, nodeId);
        verdict.Ok.ShouldBeTrue(verdict.Describe());
        // At least the journal as compared: a running node may sign its tail (a timed checkpoint) right after.
        verdict.Verdict.Head.Sequence.ShouldBeGreaterThanOrEqualTo(journal);
    }
}
