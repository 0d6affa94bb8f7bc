using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Devices;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Ingest;
using Mesh.Protocol.Audit;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;

namespace Mesh.EndToEnd.Tests;

/// <summary>Mosquitto as the external broker: the node subscribes with a persistent session and manual acknowledgement.</summary>
public sealed class MosquittoTests
{
    [Fact]
    public async Task ExternalMosquitto_EveryPublishedReadingIsRecordedOnce()
    {
        using var dir = new TempDirectory();
        using var broker = await MosquittoBroker.StartAsync();
        await using var node = await LocalNode.StartAsync("edge-m", "site-a", dir.Sub("edge-m"), hubUrl: null,
            mqttPort: broker.Port, extraArgs: ["--Node:Mqtt:Mode=External", "--Node:Mqtt:Host=127.0.0.1"]);
        var subscriber = node.Host.Services.GetRequiredService<ExternalBrokerSubscriber>();
        await Poll.UntilAsync(() => subscriber.IsSubscribed, TimeSpan.FromSeconds(30), "the node subscribed at mosquitto");

        var sim = await new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = broker.Port, Sites = ["site-a"], Devices = 10, ReadingsPerDevice = 100, Rate = 0, MalformedShare = 0.05,
        }, null, CancellationToken.None);

        sim.Acknowledged.ShouldBe(sim.AttemptedValid);
        await Poll.UntilAsync(() => JournalCounts.Read(node.JournalPath).Observations == sim.Acknowledged, TimeSpan.FromSeconds(60),
            $"{sim.Acknowledged} observations recorded from mosquitto");
        await Poll.UntilAsync(() => node.Stats.Rejected == sim.AcknowledgedMalformed, TimeSpan.FromSeconds(30), "every malformed payload rejected");
        var journal = JournalCounts.Read(node.JournalPath);
        journal.Missing(sim.AckedSeqs).ShouldBeEmpty();
        journal.DuplicateObservations.ShouldBe(0);
        AuditChainChecker.VerifyJournalFile(node.JournalPath, "edge-m").Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task GeneratedConfig_DeviceWithItsPasswordReachesTheNode_WrongPasswordAndForeignTopicRefused()
    {
        using var dir = new TempDirectory();
        var credentials = DeviceCredentials.Provision(dir.Sub("devices.yaml"), "site-a", ["dev-1", "dev-2"]);
        MosquittoBroker? started = null;
        var config = dir.Sub("broker");
        for (var attempt = 0; started is null && attempt < 5; attempt++)
        {
            var port = NodeProcess.FreePort();
            var generated = await MeshCli.RunAsync(TimeSpan.FromMinutes(1), "broker", "config", "--site-config", dir.Sub("devices.yaml"), "--out", config,
                "--node-id", "edge-m", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", Environment.UserName);
            generated.ExitCode.ShouldBe(0, generated.ToString());
            started = await MosquittoBroker.StartWithConfigAsync(Path.Combine(config, "mosquitto.conf"), port);
        }
        using var broker = started.ShouldNotBeNull("the generated configuration starts mosquitto");
        var account = File.ReadAllLines(Path.Combine(config, "node.env")).Where(l => l.StartsWith("Node__", StringComparison.Ordinal))
            .Select(l => "--" + l.Replace("__", ":", StringComparison.Ordinal)).ToArray();
        account.ShouldContain("--Node:Mqtt:Username=mesh-node-edge-m");
        await using var node = await LocalNode.StartAsync("edge-m", "site-a", dir.Sub("edge-m"), hubUrl: null, mqttPort: broker.Port,
            extraArgs: [.. account.Where(a => !a.StartsWith("--Node:Mqtt:Port=", StringComparison.Ordinal))]);
        var subscriber = node.Host.Services.GetRequiredService<ExternalBrokerSubscriber>();
        await Poll.UntilAsync(() => subscriber.IsSubscribed, TimeSpan.FromSeconds(30), () => $"the node subscribed with its account; mosquitto: {broker.Output}");

        await using var dev1 = await TestDevice.ConnectAsync(broker.Port, "dev-1", "dev-1", credentials.Password("site-a", "dev-1"), MqttProtocolVersion.V500);
        (await dev1.PublishWithResultAsync(Readings.Telemetry("site-a", "dev-1"), Readings.Temperature(1, 20))).IsSuccess.ShouldBeTrue();
        var spoofed = await dev1.PublishWithResultAsync(Readings.Telemetry("site-a", "dev-2"), Readings.Temperature(1, 40));
        spoofed.ReasonCode.ShouldBe(MqttClientPublishReasonCode.NotAuthorized);
        // Mosquitto may also close the connection of a device that published outside its ACL: check on a new one.
        await using var again = await TestDevice.ConnectAsync(broker.Port, "dev-1", "dev-1", credentials.Password("site-a", "dev-1"), MqttProtocolVersion.V500);
        await again.SubscribeAsync(Readings.Command("site-a", "dev-1"));
        // Mosquitto grants any subscription and checks read access on delivery: dev-2 listening on dev-1's commands gets none.
        await using var dev2 = await TestDevice.ConnectAsync(broker.Port, "dev-2", "dev-2", credentials.Password("site-a", "dev-2"), MqttProtocolVersion.V500);
        await dev2.SubscribeAsync(Readings.Command("site-a", "dev-1"));
        (await again.PublishWithResultAsync(Readings.Telemetry("site-a", "dev-1"), Readings.Temperature(2, 40))).IsSuccess.ShouldBeTrue();
        await Poll.UntilAsync(() => JournalFile.OfDevice(node.JournalPath, "dev-1").Count(r => r.Kind == AuditKind.Observation) == 2,
            TimeSpan.FromSeconds(30), "dev-1's two readings recorded by the node");
        await Poll.UntilAsync(() => !again.Received.IsEmpty, TimeSpan.FromSeconds(30), "dev-1 got its cooling-on command through the node's account");
        dev2.Received.ShouldBeEmpty("dev-2 may not read dev-1's commands");
        JournalFile.OfDevice(node.JournalPath, "dev-2").ShouldBeEmpty("the reading published under dev-2's id never reached the node");

        var wrong = await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(broker.Port, "dev-2", "dev-2", "not-its-password"));
        wrong.ResultCode.ShouldBeOneOf(MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.BadUserNameOrPassword);
        var anonymous = await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(broker.Port, "dev-2"));
        anonymous.ResultCode.ShouldBeOneOf(MqttClientConnectResultCode.NotAuthorized, MqttClientConnectResultCode.BadUserNameOrPassword);
    }
}
