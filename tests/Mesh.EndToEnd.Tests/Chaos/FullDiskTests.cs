using Xunit.Abstractions;
using System.Diagnostics;
using Mesh.Cli.Audit;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Protocol.Audit;
using MQTTnet.Exceptions;

namespace Mesh.EndToEnd.Tests.Chaos;

/// <summary>
/// A real mesh-node whose data directory is a small tmpfs that fills up: it stops acknowledging what it cannot journal,
/// says why in its log, stays up, corrupts nothing, and acknowledges again once space returns; every reading it
/// acknowledged has its record and the chain verifies.
/// </summary>
public sealed class FullDiskTests(ITestOutputHelper output)
{
    private const string Device = "disk-1";

    [Fact]
    public async Task DataDirectoryFull_StopsAcknowledgingThenResumes_NothingAcknowledgedLostChainVerifies()
    {
        using var disk = SmallDisk.Mount(48);
        await using var node = await RunningNode.StartAsync("edge-df", "site-a", Path.Combine(disk.Path, "edge-df"), "http://127.0.0.1:9");
        var acked = new List<long>();
        var device = await TestDevice.ConnectAsync(node.MqttPort, Device);
        long seq = 0;
        for (var i = 0; i < 20; i++)
            (await PublishAsync(device, ++seq)).ShouldBeTrue("acknowledged while there is room");
        acked.AddRange(Enumerable.Range(1, 20).Select(i => (long)i));

        var filler = disk.Fill(leaveBytes: 64 * 1024);
        long refused = 0;
        while (refused == 0 && seq < 20_000)
        {
            if (await PublishAsync(device, ++seq))
                acked.Add(seq);
            else
                refused = seq;
        }

        refused.ShouldBeGreaterThan(0, "a full disk stops the acknowledgements");
        node.Process.HasExited.ShouldBeFalse(node.Process.Output);
        node.Process.Output.ShouldContain("database or disk is full", Case.Sensitive, "the node's log says why");
        await device.DisposeAsync();

        File.Delete(filler);
        var clock = Stopwatch.StartNew();
        await Poll.UntilAsync(async () =>
        {
            await using var again = await TestDevice.ConnectAsync(node.MqttPort, Device);
            return await PublishAsync(again, refused);
        }, TimeSpan.FromSeconds(60), $"the refused reading {refused} acknowledged once space returned");
        acked.Add(refused);
        var resumedAfter = clock.Elapsed;
        // A client id of its own: the polling connections above used the device's, and a broker may still be ending the
        // last of those sessions (a session taken over by a newer one with the same id is closed by the broker) when this
        // one connects. The readings are the same device's, on its topic.
        await using (var after = await TestDevice.ConnectAsync(node.MqttPort, Device + "-after"))
            for (var i = 0; i < 20; i++)
                (await PublishAsync(after, refused + 1 + i)).ShouldBeTrue($"reading {refused + 1 + i} acknowledged after resuming ({resumedAfter.TotalMilliseconds:F0} ms); the node said:\n{node.Process.Output}");
        acked.AddRange(Enumerable.Range(1, 20).Select(i => refused + i));

        node.Process.HasExited.ShouldBeFalse();
        var observed = JournalFile.ReadAll(node.JournalPath).Where(r => r.Kind == AuditKind.Observation).Select(r => r.MessageKey).ToHashSet();
        acked.Where(s => !observed.Contains($"{Device}#{s}")).ShouldBeEmpty("every acknowledged reading has its record");
        AuditChainChecker.VerifyJournalFile(node.JournalPath, "edge-df").Ok.ShouldBeTrue();
        using (var journal = Mesh.Node.Audit.AuditJournalStore.OpenReader(node.JournalPath))
        using (var check = journal.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            check.ExecuteScalar().ShouldBe("ok", "SQLite finds the file intact");
        }
        output.WriteLine($"disk full at reading {refused} ({refused - 21} acknowledged after the filler); acknowledging again {resumedAfter.TotalMilliseconds:F0} ms after the filler was deleted");
        output.WriteLine(node.Process.Output);
    }

    /// <summary>True on PUBACK; false when the node closed the connection instead (it could not record the reading).</summary>
    private static async Task<bool> PublishAsync(TestDevice device, long seq)
    {
        try
        {
            return await device.PublishAsync(Readings.Telemetry("site-a", Device), Readings.Temperature(seq, 20 + seq % 5));
        }
        catch (Exception ex) when (ex is MqttCommunicationException or MqttClientNotConnectedException or OperationCanceledException)
        {
            return false;
        }
    }
}
