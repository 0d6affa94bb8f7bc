using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>The real mesh-node process killed with SIGKILL in the middle of a stream, then restarted.</summary>
public sealed class NodeCrashTests
{
    [Fact]
    public async Task Sigkill_MidStream_NoAcknowledgedReadingLostNoDuplicateDecisionChainIntact()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        var port = NodeProcess.FreePort();
        string[] settings =
        [
            "--Node:NodeId=edge-k", "--Node:Site=site-a", $"--Node:DataDirectory={dir.Sub("edge-k")}",
            $"--Node:Sync:HubUrl={hub.Address}", "--Logging:LogLevel:Default=Warning", NodeArgs.Anonymous,
        ];
        var node = await NodeProcess.StartAsync(port, settings);
        long acked = 0;
        var progress = new Progress<SimulationProgress>(p => Interlocked.Exchange(ref acked, p.Acknowledged));
        var sim = new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = port, Sites = ["site-a"], Devices = 10, ReadingsPerDevice = 150, Rate = 500,
            GiveUpAfter = TimeSpan.FromMinutes(3),
        }, progress, CancellationToken.None);

        await Poll.UntilAsync(() => Interlocked.Read(ref acked) >= 400, TimeSpan.FromSeconds(60), "400 readings acknowledged before the kill");
        node.Kill();
        var killedAt = Interlocked.Read(ref acked);
        node.Dispose();
        using var restarted = await NodeProcess.StartAsync(port, settings);
        var result = await sim;

        result.Acknowledged.ShouldBe(1500, $"every reading is acknowledged in the end (killed at {killedAt}); node output:\n{restarted.Output}");
        result.Reconnects.ShouldBeGreaterThan(0, "the kill really cut the devices off");
        var journalPath = Path.Combine(dir.Sub("edge-k"), AuditJournalStore.FileName);
        await Poll.UntilAsync(async () => (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-k")).Verdict.Head.Sequence == JournalCounts.Read(journalPath).Records,
            TimeSpan.FromSeconds(60), "the hub holds the whole journal after the restart");
        var journal = JournalCounts.Read(journalPath);
        journal.Missing(result.AckedSeqs).ShouldBeEmpty("no acknowledged reading is lost");
        journal.DuplicateObservations.ShouldBe(0);
        journal.Observations.ShouldBe(1500);
        DuplicateKeys(journalPath, Mesh.Protocol.Audit.AuditKind.Decision).ShouldBeEmpty("no reading is decided twice");
        DuplicateKeys(journalPath, Mesh.Protocol.Audit.AuditKind.Action).ShouldBeEmpty();
        AuditChainChecker.VerifyJournalFile(journalPath, "edge-k").Ok.ShouldBeTrue();
        var atHub = await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-k");
        atHub.Ok.ShouldBeTrue(atHub.Describe());
    }

    private static List<string> DuplicateKeys(string journalPath, Mesh.Protocol.Audit.AuditKind kind)
    {
        using var c = AuditJournalStore.OpenReader(journalPath);
        return AuditJournalStore.DuplicateMessageKeys(c, kind);
    }
}
