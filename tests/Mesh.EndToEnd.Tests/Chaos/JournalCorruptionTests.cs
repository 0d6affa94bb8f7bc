using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Cli.Chaos;

namespace Mesh.EndToEnd.Tests.Chaos;

/// <summary>
/// A node's journal whose last page is damaged (overwritten with garbage) or cut off (the file truncated by a page) while
/// the node was down. The node rebuilds it at start from what still reads and verifies and from what the hub holds, keeps
/// the damaged file beside it, records <c>JournalRecovered</c> and goes on: nothing acknowledged is lost, no reading is
/// decided twice, the chain verifies on the node and at the hub (docs/RELIABILITY.md). Without the hub in reach it changes
/// nothing and does not start, and with <c>Node:Journal:OnDamage=Refuse</c> it does not start either.
/// </summary>
public sealed class JournalCorruptionTests
{
    public enum Damage
    {
        LastPageGarbage,
        LastPageCut,
    }

    [Theory]
    [InlineData(Damage.LastPageGarbage)]
    [InlineData(Damage.LastPageCut)]
    public async Task JournalLastPageDamaged_NodeRebuildsFromWhatReadsAndTheHub_NothingAcknowledgedLostChainsVerify(Damage damage)
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        var (node, head) = await NodeWithSyncedJournalAsync(dir, hub);

        Damage_(node.JournalPath, damage);
        var damagedBytes = await File.ReadAllBytesAsync(node.JournalPath);
        await using var restarted = await RunningNode.StartAsync("edge-jc", "site-a", node.DataDirectory, hub.Address.ToString().TrimEnd('/'));

        var journal = JournalFile.ReadAll(node.JournalPath);
        var recovered = journal.Single(r => r.Kind == AuditKind.JournalRecovered);
        recovered.Sequence.ShouldBe(head + 1, "the rebuilt journal holds everything the hub acknowledged, and the record follows it");
        using (var body = System.Text.Json.JsonDocument.Parse(recovered.Body))
        {
            long Figure(string name) => body.RootElement.GetProperty(name).GetInt64();
            (Figure("salvaged") + Figure("from_hub")).ShouldBe(head, recovered.Body);
            Figure("hub_head").ShouldBe(head);
            if (damage == Damage.LastPageGarbage)
                Figure("salvaged").ShouldBeGreaterThan(head / 2, $"most of the file still reads: {recovered.Body}");
        }
        var copy = Directory.GetFiles(node.DataDirectory, "audit.db.damaged-*").Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal))
            .ShouldHaveSingleItem();
        (await File.ReadAllBytesAsync(copy)).ShouldBe(damagedBytes, "the damaged file is kept as it was");
        recovered.Body.ShouldContain(Path.GetFileName(copy));
        ObservedReadings(journal).ShouldBe(Enumerable.Range(1, 200).Select(i => (long)i), "every acknowledged reading is in the rebuilt journal, once");

        // It goes on deciding and syncing on the rebuilt chain.
        await using (var device = await restarted.DeviceAsync("jc-1"))
            for (var seq = 201; seq <= 210; seq++)
                (await device.PublishAsync(Readings.Telemetry("site-a", "jc-1"), Readings.Temperature(seq, 20))).ShouldBeTrue();
        var local = AuditChainChecker.VerifyJournalFile(node.JournalPath, "edge-jc");
        local.Ok.ShouldBeTrue(local.Describe());
        var after = JournalFile.ReadAll(node.JournalPath);
        ObservedReadings(after).ShouldBe(Enumerable.Range(1, 210).Select(i => (long)i));
        await Poll.UntilAsync(async () => (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-jc")) is { Ok: true } h && h.Verdict.Head.Sequence == after.Count,
            TimeSpan.FromSeconds(60), "the hub takes the rebuilt journal's new records and its chain verifies");
    }

    [Fact]
    public async Task JournalDamaged_HubOutOfReach_NodeChangesNothingAndStartsOnceTheHubIsBack()
    {
        using var dir = new TempDirectory();
        var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        var port = hub.Address.Port;
        var (node, head) = await NodeWithSyncedJournalAsync(dir, hub);
        await hub.DisposeAsync();
        Damage_(node.JournalPath, Damage.LastPageGarbage);
        var damagedBytes = await File.ReadAllBytesAsync(node.JournalPath);

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => NodeProcess.StartAsync(node.MqttPort, node.Settings));
        refused.Message.ShouldContain("cannot read back this node's records from the hub", Case.Sensitive, refused.Message);
        (await File.ReadAllBytesAsync(node.JournalPath)).ShouldBe(damagedBytes, "nothing was changed");
        Directory.GetFiles(node.DataDirectory, "audit.db.damaged-*").ShouldBeEmpty();

        await using var back = await LocalHub.StartAsync(dir.Sub("hub"), port);
        await using var restarted = await RunningNode.StartAsync("edge-jc", "site-a", node.DataDirectory, back.Address.ToString().TrimEnd('/'));
        var journal = JournalFile.ReadAll(node.JournalPath);
        journal.Single(r => r.Kind == AuditKind.JournalRecovered).Sequence.ShouldBe(head + 1);
        ObservedReadings(journal).ShouldBe(Enumerable.Range(1, 200).Select(i => (long)i));
    }

    [Fact]
    public async Task JournalDamaged_OnDamageRefuse_NodeRefusesToStartNamingTheFile()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        var (node, head) = await NodeWithSyncedJournalAsync(dir, hub);
        Damage_(node.JournalPath, Damage.LastPageCut);

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => NodeProcess.StartAsync(node.MqttPort, [.. node.Settings, "--Node:Journal:OnDamage=Refuse"]));

        refused.Message.ShouldContain(node.JournalPath, Case.Sensitive, $"the error names the damaged file: {refused.Message}");
        refused.Message.ShouldContain("damaged");
        var atHub = await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-jc");
        atHub.Ok.ShouldBeTrue(atHub.Describe());
        atHub.Verdict.Head.Sequence.ShouldBe(head, "nothing the hub acknowledged is lost");
    }

    /// <summary>A node that decided 200 readings of one device, all at the hub, then was killed.</summary>
    private static async Task<(RunningNode Node, long Head)> NodeWithSyncedJournalAsync(TempDirectory dir, LocalHub hub)
    {
        var node = await RunningNode.StartAsync("edge-jc", "site-a", dir.Sub("edge-jc"), hub.Address.ToString().TrimEnd('/'));
        await using (var device = await node.DeviceAsync("jc-1"))
            for (var seq = 1; seq <= 200; seq++)
                (await device.PublishAsync(Readings.Telemetry("site-a", "jc-1"), Readings.Temperature(seq, 20))).ShouldBeTrue();
        var head = JournalFile.ReadAll(node.JournalPath).Count;
        await Poll.UntilAsync(async () => (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-jc")).Verdict.Head.Sequence == head,
            TimeSpan.FromSeconds(60), "the hub holds the whole journal");
        node.Process.Kill();
        await node.DisposeAsync();
        return (node, head);
    }

    /// <summary>The reading sequences the journal's Observation records decided, in journal order.</summary>
    private static IEnumerable<long> ObservedReadings(List<AuditRecord> journal) =>
        journal.Where(r => r.Kind == AuditKind.Observation).Select(r => long.Parse(r.MessageKey.Split('#')[1], System.Globalization.CultureInfo.InvariantCulture));

    private static void Damage_(string journal, Damage damage)
    {
        if (damage == Damage.LastPageCut)
            JournalFaults.CutLastPage(journal);
        else
            JournalFaults.OverwritePage(journal);
    }
}
