using System.Text.Json;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// <c>mesh replay</c> (the real CLI executable) over the journal of a node that ran a multi-rule policy from a local
/// file: a plain replay reproduces every decision; a what-if with one threshold moved flips exactly the readings a
/// model of that one rule predicts, and no others.
/// </summary>
public sealed class ReplayTests
{
    private const string Site = "rp-a";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>What each device sends, in order (seq = index + 1). r-1 exercises the threshold that moves, r-2 the count
    /// window and the approval (its temperatures are above both thresholds), r-3 a rule on another metric.</summary>
    private static readonly Dictionary<string, (string Metric, double Value)[]> Sent = new()
    {
        ["r-1"] = [("temperature", 25), ("temperature", 31), ("temperature", 33), ("temperature", 28.5), ("temperature", 34),
                   ("temperature", 27), ("temperature", 31), ("temperature", 28), ("temperature", 29.5)],
        ["r-2"] = [("temperature", 34), ("temperature", 35), ("temperature", 36), ("temperature", 27)],
        ["r-3"] = [("humidity", 85), ("humidity", 50)],
    };

    [Fact]
    public async Task Replay_JournalWithApprovalAndCountWindow_NoDivergenceAndWhatIfFlipsExactlyPredictedReadings()
    {
        using var dir = new TempDirectory();
        var policyFile = dir.Sub("rp-a.yaml");
        var changedFile = dir.Sub("changed.yaml");
        await File.WriteAllTextAsync(policyFile, Policy(version: 1, overheatAbove: 30));
        await File.WriteAllTextAsync(changedFile, Policy(version: 2, overheatAbove: 32));
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        string journalPath;
        await using (var node = await LocalNode.StartAsync("rp-node", Site, dir.Sub("node"), hub.Address.ToString(), extraArgs: [$"--Node:Policy:File={policyFile}", NodeArgs.Anonymous]))
        {
            (await node.WaitForPolicyAsync(1, Deadline)).ShouldBeTrue();
            journalPath = node.JournalPath;
            await SendAsync(node, "r-1", 0, 9);
            await SendAsync(node, "r-3", 0, 2);
            await using (var r2 = await TestDevice.ConnectAsync(node.MqttPort, "r-2"))
            {
                await r2.SubscribeAsync(Readings.Command(Site, "r-2"));
                await PublishAsync(r2, "r-2", 0, 3);
                var id = (await HubApi.WaitForApprovalAsync(hub.Http, node.NodeId, "r-2", "pending", Deadline)).GetProperty("id").GetString()!;
                (await HubApi.DecideAsync(hub.Http, id, approve: true, "replay test")).Status.ShouldBe(System.Net.HttpStatusCode.OK);
                (await ReceivedCommands.WaitForAsync(r2, "vent-open", 3, Deadline)).GetProperty("approval").GetString().ShouldBe(id);
                await PublishAsync(r2, "r-2", 3, 4);
            }
        }

        var replay = await MeshCli.RunAsync(Deadline, "replay", "--journal", journalPath, "--json");

        replay.ExitCode.ShouldBe(0, replay.ToString());
        var report = JsonDocument.Parse(replay.Stdout).RootElement;
        report.GetProperty("chainOk").GetBoolean().ShouldBeTrue(replay.Stdout);
        report.GetProperty("readings").GetInt64().ShouldBe(Sent.Values.Sum(r => r.Length));
        report.GetProperty("divergences").GetArrayLength().ShouldBe(0, replay.Stdout);
        report.GetProperty("problems").GetArrayLength().ShouldBe(0, replay.Stdout);

        var whatIf = await MeshCli.RunAsync(Deadline, "replay", "--journal", journalPath, "--policy", changedFile, "--json");

        whatIf.ExitCode.ShouldBe(0, whatIf.ToString());
        var flipped = JsonDocument.Parse(whatIf.Stdout).RootElement.GetProperty("divergences").EnumerateArray()
            .Select(d => (d.GetProperty("device").GetString()!, d.GetProperty("readingSeq").GetInt64())).Order().ToList();
        var expected = ExpectedFlips(30, 32);
        expected.ShouldNotBeEmpty("the readings are chosen so that moving the threshold matters");
        flipped.ShouldBe(expected, whatIf.Stdout);
    }

    /// <summary>The readings on which the overheat rule decides differently at the two thresholds. Only that rule
    /// changes, and no other rule reads its state, so these and only these readings flip.</summary>
    private static List<(string Device, long Seq)> ExpectedFlips(double before, double after) =>
    [
        .. Sent.SelectMany(device =>
        {
            var a = Overheat(device.Value, before);
            var b = Overheat(device.Value, after);
            return Enumerable.Range(0, a.Count).Where(i => a[i] != b[i]).Select(i => (device.Key, (long)i + 1));
        }).Order(),
    ];

    /// <summary>Model of the rule: edge-triggered, on above <paramref name="above"/>, off below 29 (hysteresis).</summary>
    private static List<string> Overheat((string Metric, double Value)[] readings, double above)
    {
        var on = false;
        var decisions = new List<string>();
        foreach (var (metric, value) in readings)
        {
            var decision = "";
            if (metric == "temperature" && !on && value > above && value >= 29)
                (on, decision) = (true, "cooling-on");
            else if (metric == "temperature" && on && value < 29)
                (on, decision) = (false, "cooling-off");
            decisions.Add(decision);
        }
        return decisions;
    }

    private static async Task SendAsync(LocalNode node, string device, int from, int to)
    {
        await using var d = await TestDevice.ConnectAsync(node.MqttPort, device);
        await d.SubscribeAsync(Readings.Command(Site, device));
        await PublishAsync(d, device, from, to);
        // The live node agrees with the model at the recorded threshold: cooling commands exactly where it predicts.
        var predicted = Overheat(Sent[device], 30).Select((c, i) => (c, Seq: i + 1L)).Where(x => x.c.Length > 0 && x.Seq > from && x.Seq <= to).ToList();
        await Poll.UntilAsync(() => ReceivedCommands.Of(d).Count(c => c.GetProperty("action").GetString()!.StartsWith("cooling", StringComparison.Ordinal)) >= predicted.Count,
            Deadline, $"{predicted.Count} cooling commands for {device}");
        ReceivedCommands.Of(d).Where(c => c.GetProperty("action").GetString()!.StartsWith("cooling", StringComparison.Ordinal))
            .Select(c => (c.GetProperty("action").GetString()!, c.GetProperty("seq").GetInt64())).ShouldBe(predicted.Select(p => (p.c, p.Seq)));
    }

    private static async Task PublishAsync(TestDevice device, string deviceId, int from, int to)
    {
        for (var i = from; i < to; i++)
            (await device.PublishAsync(Readings.Telemetry(Site, deviceId), Readings.Of(i + 1, DateTime.UtcNow, Sent[deviceId][i]))).ShouldBeTrue();
    }

    private static string Policy(long version, double overheatAbove) => $$"""
        site: {{Site}}
        version: {{version}}
        rules:
          - id: overheat
            when: { metric: temperature, gt: {{overheatAbove}} }
            clear: { metric: temperature, lt: 29 }
            action: cooling-on
            clear_action: cooling-off
          - id: heat-alarm
            when:
              count: { metric: temperature, gt: 33 }
              within: 1m
              at_least: 3
            clear: { metric: temperature, lt: 28 }
            action: vent-open
            priority: 20
            gate: require_approval
            approval: { role: operator, timeout: 5m, on_timeout: deny, offline: defer, max_age: 10m }
          - id: humid
            when: { metric: humidity, gt: 80 }
            action: dehumidify
        """;
}
