using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>A node whose journal was replaced must not graft another history onto the one the hub holds.</summary>
public sealed class SyncForkTests
{
    [Fact]
    public async Task ReplacedJournal_SameNodeId_SyncRefusesAndHubKeepsItsChain()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        long original;
        await using (var first = await LocalNode.StartAsync("edge-1", "site-a", dir.Sub("first"), hub.Address.ToString(), extraArgs: [.. NoTimedCheckpoints, NodeArgs.Anonymous]))
        {
            await Publish(first, 10, startSeq: 1);
            await Poll.UntilAsync(() => first.Sync.Acked == first.Journal.Head, TimeSpan.FromSeconds(60), "the first journal reaches the hub");
            original = first.Journal.Head;
        }

        // Same node id, a fresh data directory: a different history of exactly the same length, which
        // would otherwise look fully synced (nothing to send) while the two chains disagree.
        await using var impostor = await LocalNode.StartAsync("edge-1", "site-a", dir.Sub("second"), hub.Address.ToString(), extraArgs: [.. NoTimedCheckpoints, NodeArgs.Anonymous]);
        await Publish(impostor, 10, startSeq: 1000);
        impostor.Journal.Head.ShouldBe(original);

        await Poll.UntilAsync(() => impostor.Stats.SyncFailures >= 2, TimeSpan.FromSeconds(60), "the sync refuses the hub's differing head");
        impostor.Sync.Acked.ShouldBe(0);
        var atHub = await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-1");
        atHub.Ok.ShouldBeTrue(atHub.Describe());
        atHub.Verdict.Head.Sequence.ShouldBe(original);
    }

    /// <summary>Both histories must have the same length: a timed checkpoint in one and not the other would break that.</summary>
    private static readonly string[] NoTimedCheckpoints = ["--Node:Journal:CheckpointEvery=01:00:00"];

    private static Task<SimulationResult> Publish(LocalNode node, int perDevice, long startSeq) =>
        new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = node.MqttPort, Sites = ["site-a"], Devices = 2, ReadingsPerDevice = perDevice, Rate = 0, StartSeq = startSeq,
        }, null, CancellationToken.None);
}
