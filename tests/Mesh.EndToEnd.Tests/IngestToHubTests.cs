using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>One node, its embedded broker and the hub, all over loopback sockets.</summary>
public sealed class IngestToHubTests
{
    [Fact]
    public async Task Readings_2000Qos1_ArriveAtHubAsVerifiedObservations()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        // As installed: every device with its own password (the default, Node:Devices:AllowAnonymous=false).
        var devices = new SimulatorOptions { Devices = 20 };
        var credentials = Mesh.Cli.Devices.DeviceCredentials.Provision(dir.Sub("devices.yaml"), "site-a", devices.DeviceIds());
        await using var node = await LocalNode.StartAsync("edge-1", "site-a", dir.Sub("edge-1"), hub.Address.ToString(),
            extraArgs: $"--Node:Devices:File={dir.Sub("devices.yaml")}");

        var sim = await new SensorSimulator().RunAsync(devices with
        {
            Port = node.MqttPort, Sites = ["site-a"], ReadingsPerDevice = 100, Rate = 0, Credentials = credentials,
        }, null, CancellationToken.None);

        sim.Acknowledged.ShouldBe(2000);
        // Sign the tail now: no timed checkpoint then lands between the journal and the hub being compared.
        await node.Journal.CheckpointNowAsync();
        await Poll.UntilAsync(() => node.Sync.Acked == node.Journal.Head, TimeSpan.FromSeconds(60), "the hub acknowledges the whole journal");
        var journal = JournalCounts.Read(node.JournalPath);
        journal.Observations.ShouldBe(2000);
        journal.Missing(sim.AckedSeqs).ShouldBeEmpty();
        var atHub = await HubAudit.ReadAllAsync(hub.Http, "edge-1");
        HubAudit.CountKind(atHub, "Observation").ShouldBe(2000);
        atHub.Count.ShouldBe((int)journal.Records);
        var verdict = await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-1");
        verdict.Ok.ShouldBeTrue(verdict.Describe());
        verdict.Verdict.Head.Sequence.ShouldBe(journal.Records);
    }

    [Fact]
    public async Task Malformed_RejectedRecordedAndDeadLetteredWhileNodeGoesOn()
    {
        using var dir = new TempDirectory();
        await using var node = await LocalNode.StartAsync("edge-1", "site-a", dir.Sub("edge-1"), hubUrl: null, extraArgs: NodeArgs.Anonymous);
        await using var device = await TestDevice.ConnectAsync(node.MqttPort, "dev-7");
        await device.SubscribeAsync("mesh/site-a/dev-7/#");

        string[] bad =
        [
            "{not json",
            """{"ts":"2026-11-23T18:59:59Z","seq":"one","metrics":{"t":1}}""",
            """{"ts":"2026-11-23T18:59:59Z","seq":2,"metrics":{"temperature":NaN}}""",
            """{"seq":3,"metrics":{"t":1}}""",
            """{"ts":"2999-01-01T00:00:00Z","seq":4,"metrics":{"t":1}}""",
            "{\"ts\":\"2026-11-23T18:59:59Z\",\"seq\":5,\"metrics\":{\"t\":1},\"pad\":\"" + new string('x', 10_000) + "\"}",
        ];
        foreach (var payload in bad)
            (await device.PublishAsync("mesh/site-a/dev-7/telemetry", payload)).ShouldBeTrue("a refused payload is still acknowledged, so the device does not loop");
        (await device.PublishAsync("mesh/site-a/dev-7/telemetry", Reading(10, 35.5))).ShouldBeTrue();

        await Poll.UntilAsync(() => device.Received.Count(m => m.Topic.EndsWith("/deadletter")) == bad.Length, TimeSpan.FromSeconds(20), "a dead letter for every refused payload");
        await Poll.UntilAsync(() => device.Received.Any(m => m.Topic.EndsWith("/command")), TimeSpan.FromSeconds(20), "the cooling command");
        var journal = JournalCounts.Read(node.JournalPath);
        journal.Rejections.ShouldBe(bad.Length);
        journal.Observations.ShouldBe(1);
        journal.Actions.ShouldBe(1);
        var reasons = device.Received.Where(m => m.Topic.EndsWith("/deadletter")).Select(m => m.Payload).ToList();
        reasons.ShouldContain(r => r.Contains("invalid JSON"));
        reasons.ShouldContain(r => r.Contains("field 'seq' must be an integer"));
        reasons.ShouldContain(r => r.Contains("missing field 'ts'"));
        reasons.ShouldContain(r => r.Contains("ahead of the node's clock"));
        reasons.ShouldContain(r => r.Contains("the limit is 8192"));
        device.Received.Single(m => m.Topic.EndsWith("/command")).Payload.ShouldContain("\"action\":\"cooling-on\"");
        AuditChainChecker.VerifyJournalFile(node.JournalPath, "edge-1").Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task Redelivery_SameDeviceAndSeq_ProducesNoSecondDecision()
    {
        using var dir = new TempDirectory();
        await using var node = await LocalNode.StartAsync("edge-1", "site-a", dir.Sub("edge-1"), hubUrl: null, extraArgs: NodeArgs.Anonymous);
        await using var device = await TestDevice.ConnectAsync(node.MqttPort, "dev-1");
        var reading = Reading(77, 40);

        for (var i = 0; i < 3; i++)
            (await device.PublishAsync("mesh/site-a/dev-1/telemetry", reading)).ShouldBeTrue();

        var journal = JournalCounts.Read(node.JournalPath);
        journal.Observations.ShouldBe(1);
        journal.Decisions.ShouldBe(1);
        journal.Actions.ShouldBe(1);
        node.Stats.Duplicates.ShouldBe(2);
    }

    private static string Reading(long seq, double temperature) =>
        "{\"ts\":\"" + DateTime.UtcNow.ToString("O") + "\",\"seq\":" + seq + ",\"metrics\":{\"temperature\":" + temperature.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";
}
