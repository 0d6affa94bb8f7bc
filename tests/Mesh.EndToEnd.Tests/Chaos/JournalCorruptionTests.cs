using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Mesh.EndToEnd.Tests.Chaos;

/// <summary>
/// A node's journal whose last page is damaged (overwritten with garbage) or cut off (the file truncated by a page) while
/// the node was down. The node refuses to start and says which file is damaged and how (docs/RELIABILITY.md says why it
/// does not repair it); the hub still holds, and verifies, every record it acknowledged, and takes nothing new from it.
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
    public async Task JournalLastPageDamaged_NodeRefusesToStartNamingTheFile_HubKeepsEveryAcknowledgedRecord(Damage damage)
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        var node = await RunningNode.StartAsync("edge-jc", "site-a", dir.Sub("edge-jc"), hub.Address.ToString().TrimEnd('/'));
        await using (var device = await node.DeviceAsync("jc-1"))
            for (var seq = 1; seq <= 200; seq++)
                (await device.PublishAsync(Readings.Telemetry("site-a", "jc-1"), Readings.Temperature(seq, 20))).ShouldBeTrue();
        var head = JournalFile.ReadAll(node.JournalPath).Count;
        await Poll.UntilAsync(async () => (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-jc")).Verdict.Head.Sequence == head,
            TimeSpan.FromSeconds(60), "the hub holds the whole journal");
        node.Process.Kill();
        await node.DisposeAsync();

        Damage_(node.JournalPath, damage);
        var refused = await Should.ThrowAsync<InvalidOperationException>(() => NodeProcess.StartAsync(node.MqttPort, node.Settings));

        refused.Message.ShouldContain(node.JournalPath, Case.Sensitive, "the error names the damaged file");
        refused.Message.ShouldContain("damaged");
        var atHub = await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-jc");
        atHub.Ok.ShouldBeTrue(atHub.Describe());
        atHub.Verdict.Head.Sequence.ShouldBe(head, "nothing the hub acknowledged is lost");
    }

    private static void Damage_(string journal, Damage damage)
    {
        // Fold the WAL into the file first, as a clean stop would, so the last page is the file's last page.
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = journal, Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        const int page = 4096;
        using var file = new FileStream(journal, FileMode.Open, FileAccess.ReadWrite);
        if (damage == Damage.LastPageCut)
        {
            file.SetLength(file.Length - page);
            return;
        }
        var garbage = new byte[page];
        new Random(7).NextBytes(garbage);
        file.Seek(-page, SeekOrigin.End);
        file.Write(garbage);
        file.Flush(true);
    }
}
