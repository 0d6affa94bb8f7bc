using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>The hub away for a while: ingest goes on, the backlog waits on disk and drains when the hub returns.</summary>
public sealed class HubOutageTests
{
    [Fact]
    public async Task HubDown_IngestContinuesAndBacklogDrainsWhenHubReturns()
    {
        using var dir = new TempDirectory();
        var hubPort = NodeProcess.FreePort();
        await using var node = await LocalNode.StartAsync("edge-1", "site-a", dir.Sub("edge-1"), $"http://127.0.0.1:{hubPort}", extraArgs: NodeArgs.Anonymous);

        var offline = await Publish(node, 1, 50);
        offline.Acknowledged.ShouldBe(500, "ingest does not wait for the hub");
        node.Sync.Acked.ShouldBe(0);

        await using (var hub = await LocalHub.StartAsync(dir.Sub("hub"), hubPort))
        {
            await Poll.UntilAsync(() => node.Sync.Acked == node.Journal.Head, TimeSpan.FromSeconds(60), "the backlog drains to the hub");
            (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-1")).Ok.ShouldBeTrue();
        }

        var secondOutage = await Publish(node, 1000, 30);
        secondOutage.Acknowledged.ShouldBe(300);
        node.Journal.Head.ShouldBeGreaterThan(node.Sync.Acked);
        // Sign the tail now: no timed checkpoint then lands between the journal head and the hub's being compared.
        await node.Journal.CheckpointNowAsync();

        await using (var hub = await LocalHub.StartAsync(dir.Sub("hub"), hubPort))
        {
            await Poll.UntilAsync(() => node.Sync.Acked == node.Journal.Head, TimeSpan.FromSeconds(60), "the second backlog drains after the hub restarts");
            var verdict = await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-1");
            verdict.Ok.ShouldBeTrue(verdict.Describe());
            verdict.Verdict.Head.Sequence.ShouldBe(node.Journal.Head);
            HubAudit.CountKind(await HubAudit.ReadAllAsync(hub.Http, "edge-1"), "Observation").ShouldBe(800);
        }
    }

    private static Task<SimulationResult> Publish(LocalNode node, long startSeq, int perDevice) =>
        new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = node.MqttPort, Sites = ["site-a"], Devices = 10, ReadingsPerDevice = perDevice, Rate = 0, StartSeq = startSeq,
        }, null, CancellationToken.None);
}
