using Mesh.Cli.Chaos;
using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// A node whose hub is unreachable fills its journal's disk budget: it stops acknowledging readings (devices keep them)
/// with one BacklogFull record; when the hub returns, the backlog drains, pruning frees the space, BacklogResumed is
/// recorded and the held readings are acknowledged as the devices resend them. Nothing is lost or stored twice.
/// </summary>
public sealed class BacklogBudgetTests
{
    private const string Site = "site-budget";
    private const string NodeId = "edge-budget";
    private const int Devices = 5;
    private const int ReadingsPerDevice = 1200;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Backlog_BudgetFullWhileHubUnreachable_HoldsReadingsThenResumesWithoutLoss()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        await using var proxy = FaultProxy.Start(hub.Address.Port);
        proxy.Cut();
        await using var node = await RunningNode.StartAsync(NodeId, Site, dir.Sub("edge"), proxy.Url,
            $"--Node:Journal:DiskBudgetBytes={JournalOptions.MinDiskBudgetBytes}", "--Node:Sync:ReconnectJitter=00:00:00.5");
        var timeline = new AckTimeline();
        var sim = new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = node.MqttPort, Sites = [Site], Devices = Devices, ReadingsPerDevice = ReadingsPerDevice, Rate = 0,
            GiveUpAfter = TimeSpan.FromMinutes(5),
        }, timeline, CancellationToken.None);

        await Poll.UntilAsync(() => LastOfKind(node, AuditKind.BacklogFull) is not null, Long, "the node recording BacklogFull at its budget");
        var retries = timeline.Retries;
        await Poll.UntilAsync(() => timeline.Retries >= retries + 10, Long, "devices resending held readings");
        var heldAcked = timeline.Acked;
        await Poll.UntilAsync(() => timeline.Retries >= retries + 40, Long, "devices resending held readings for a while");
        timeline.Acked.ShouldBe(heldAcked, "no reading is acknowledged while the backlog fills the budget");
        heldAcked.ShouldBeLessThan(Devices * ReadingsPerDevice);
        var full = LastOfKind(node, AuditKind.BacklogFull)!;
        full.Body.ShouldContain($"\"budget_bytes\":{JournalOptions.MinDiskBudgetBytes}");
        full.Body.ShouldContain("\"hub_acked\":0");
        node.Process.Output.ShouldContain("Audit backlog full");

        proxy.Heal();
        var result = await sim.WaitAsync(Long);
        await Poll.UntilAsync(() => LastOfKind(node, AuditKind.BacklogResumed) is not null, Long, "the node recording BacklogResumed");
        var head = 0L;
        await Poll.UntilAsync(async () => await PartitionTests.HubLastSeqAsync(hub, NodeId) == (head = PartitionTests.JournalHead(node.JournalPath)),
            Long, "the backlog draining to the hub");

        result.Acknowledged.ShouldBe(Devices * ReadingsPerDevice, "the held readings were acknowledged once resent");
        result.Failures.ShouldBe(0);
        var kinds = Kinds(node);
        kinds.Count(k => k == AuditKind.BacklogFull).ShouldBe(kinds.Count(k => k == AuditKind.BacklogResumed), "every episode ended");
        kinds.IndexOf(AuditKind.BacklogFull).ShouldBeLessThan(kinds.IndexOf(AuditKind.BacklogResumed));
        Boundary(node).Through.ShouldBeGreaterThan(0, "pruning freed the space");
        await PartitionTests.ShouldHoldEachAcknowledgedReadingOnceAsync(hub, NodeId, Site, result);
        var verdict = await AuditChainChecker.VerifyHubAsync(hub.Http, NodeId);
        verdict.Ok.ShouldBeTrue(verdict.Describe());
        // At least the drained head: a timed checkpoint the running node signs afterwards may have reached the hub too.
        verdict.Verdict.Head.Sequence.ShouldBeGreaterThanOrEqualTo(head);
        var hubKinds = (await HubAudit.ReadAllAsync(hub.Http, NodeId)).Select(r => r.GetProperty("kind").GetString()).ToList();
        hubKinds.ShouldContain(nameof(AuditKind.BacklogFull));
        hubKinds.ShouldContain(nameof(AuditKind.BacklogResumed));

        var verify = await MeshCli.RunAsync(Long, "audit", "verify", "--journal", node.JournalPath);
        verify.ExitCode.ShouldBe(0, verify.ToString());
        verify.Stdout.ShouldContain($"records 1..{Boundary(node).Through} were pruned after the hub acknowledged them; verified {Boundary(node).Through + 1}..");
        var replay = await MeshCli.RunAsync(Long, "replay", "--journal", node.JournalPath);
        replay.ExitCode.ShouldBe(0, replay.ToString());
        replay.Stdout.ShouldContain("No divergence");
    }

    private static AuditRecord? LastOfKind(RunningNode node, AuditKind kind)
    {
        using var c = AuditJournalStore.OpenReader(node.JournalPath);
        return AuditJournalStore.ReadLastOfKind(c, kind);
    }

    private static JournalBoundary Boundary(RunningNode node)
    {
        using var c = AuditJournalStore.OpenReader(node.JournalPath);
        return AuditJournalStore.ReadBoundary(c);
    }

    private static List<AuditKind> Kinds(RunningNode node)
    {
        using var c = AuditJournalStore.OpenReader(node.JournalPath);
        return [.. AuditJournalStore.ReadAllOfKind(c, AuditKind.BacklogFull).Concat(AuditJournalStore.ReadAllOfKind(c, AuditKind.BacklogResumed))
            .OrderBy(r => r.Sequence).Select(r => r.Kind)];
    }
}
