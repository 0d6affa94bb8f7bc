using Mesh.Cli.Devices;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Protocol.Audit;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Device credentials and topic ACLs of a real mesh-node's embedded broker (docs/DEVICES.md): only provisioned devices
/// connect, each with its own password; each publishes only its own telemetry and reads only its own commands; every
/// refusal answers NotAuthorized, is recorded with its reason, and changes nothing else.
/// </summary>
public sealed class DeviceAccessTests
{
    private const string Site = "site-d";
    private static readonly string Nowhere = $"http://127.0.0.1:{NodeProcess.FreePort()}";

    private static async Task<(RunningNode Node, DeviceCredentials Credentials, string File)> StartAsync(TempDirectory dir, params string[] devices)
    {
        var file = dir.Sub("devices.yaml");
        var credentials = DeviceCredentials.Provision(file, Site, devices);
        var node = await RunningNode.StartAsync("edge-d", Site, dir.Sub("edge-d"), Nowhere,
            "--Node:Devices:AllowAnonymous=false", $"--Node:Devices:File={file}", "--Node:Devices:PollInterval=00:00:00.100");
        return (node, credentials, file);
    }

    private static List<AuditRecord> Refusals(RunningNode node) =>
        [.. JournalFile.ReadAll(node.JournalPath).Where(r => r.Kind == AuditKind.Rejected && r.Outcome.StartsWith("device access refused", StringComparison.Ordinal))];

    [Fact]
    public async Task Connect_WrongPasswordUnknownDeviceOrForeignClientId_RefusedAndRecorded()
    {
        using var dir = new TempDirectory();
        var (node, credentials, _) = await StartAsync(dir, "dev-1");
        await using var _ = node;

        var wrong = await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(node.MqttPort, "dev-1", "dev-1", "not-its-password"));
        wrong.ResultCode.ShouldBe(MQTTnet.MqttClientConnectResultCode.NotAuthorized);
        var unknown = await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(node.MqttPort, "dev-9", "dev-9", "anything", MqttProtocolVersion.V500));
        unknown.ResultCode.ShouldBe(MQTTnet.MqttClientConnectResultCode.NotAuthorized);
        var anonymous = await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(node.MqttPort, "dev-1"));
        anonymous.ResultCode.ShouldBe(MQTTnet.MqttClientConnectResultCode.NotAuthorized);
        var borrowed = await Should.ThrowAsync<ConnectRefusedException>(() =>
            TestDevice.ConnectAsync(node.MqttPort, "someone-else", "dev-1", credentials.Password(Site, "dev-1"), MqttProtocolVersion.V500));
        borrowed.ResultCode.ShouldBe(MQTTnet.MqttClientConnectResultCode.ClientIdentifierNotValid);

        await using var good = await TestDevice.ConnectAsync(node.MqttPort, "dev-1", "dev-1", credentials.Password(Site, "dev-1"));
        await using var second = await TestDevice.ConnectAsync(node.MqttPort, "dev-1:commands", "dev-1", credentials.Password(Site, "dev-1"));
        good.IsConnected.ShouldBeTrue();
        second.IsConnected.ShouldBeTrue("'<id>:<suffix>' is the device's own second connection");
        await Poll.UntilAsync(() => Refusals(node).Count == 4, TimeSpan.FromSeconds(10), "four refused connections in the journal");
        var reasons = Refusals(node).Select(r => r.Outcome).ToList();
        reasons.ShouldContain(r => r.Contains("wrong password for device 'dev-1'"));
        reasons.ShouldContain(r => r.Contains("'dev-9' is not a device of site site-d"));
        reasons.ShouldContain(r => r.Contains("no username"));
        reasons.ShouldContain(r => r.Contains("client id 'someone-else' is not the device id 'dev-1'"));
        var borrowedByPrefix = await Should.ThrowAsync<ConnectRefusedException>(() =>
            TestDevice.ConnectAsync(node.MqttPort, "dev-1x", "dev-1", credentials.Password(Site, "dev-1"), MqttProtocolVersion.V500));
        borrowedByPrefix.ResultCode.ShouldBe(MqttClientConnectResultCode.ClientIdentifierNotValid);
        node.Process.Output.ShouldContain("[7603]");
    }

    [Fact]
    public async Task Publish_UnderAnotherDevicesId_RefusedNotAuthorizedNothingObserved()
    {
        using var dir = new TempDirectory();
        var (node, credentials, _) = await StartAsync(dir, "dev-1", "dev-2");
        await using var _ = node;
        await using var dev1 = await TestDevice.ConnectAsync(node.MqttPort, "dev-1", "dev-1", credentials.Password(Site, "dev-1"), MqttProtocolVersion.V500);

        var own = await dev1.PublishWithResultAsync(Readings.Telemetry(Site, "dev-1"), Readings.Temperature(1, 20));
        var spoofed = await dev1.PublishWithResultAsync(Readings.Telemetry(Site, "dev-2"), Readings.Temperature(1, 40));
        var command = await dev1.PublishWithResultAsync(Readings.Command(Site, "dev-2"), "{\"action\":\"cooling-off\"}");

        own.IsSuccess.ShouldBeTrue();
        spoofed.ReasonCode.ShouldBe(MqttClientPublishReasonCode.NotAuthorized);
        spoofed.ReasonString.ShouldContain("may publish only to mesh/site-d/dev-1/telemetry");
        command.ReasonCode.ShouldBe(MqttClientPublishReasonCode.NotAuthorized);
        dev1.IsConnected.ShouldBeTrue("an MQTT 5 device is told NotAuthorized and keeps its connection");
        await Poll.UntilAsync(() => Refusals(node).Count == 2, TimeSpan.FromSeconds(10), "two refused publishes in the journal");
        var records = JournalFile.ReadAll(node.JournalPath);
        records.Count(r => r.Kind == AuditKind.Observation && r.Device == "dev-1").ShouldBe(1);
        records.ShouldNotContain(r => r.Device == "dev-2" && r.Kind != AuditKind.Rejected, "nothing was observed or decided for dev-2");
        Refusals(node).ShouldAllBe(r => r.Device == "dev-1" && r.Body.Contains("mesh/site-d/dev-2/"));

        // MQTT 3.1.1 cannot say NotAuthorized in a PUBACK: the connection is closed instead, so the device never takes a refusal for an acknowledgement.
        await using var old = await TestDevice.ConnectAsync(node.MqttPort, "dev-2", "dev-2", credentials.Password(Site, "dev-2"));
        await Should.ThrowAsync<Exception>(() => old.PublishWithResultAsync(Readings.Telemetry(Site, "dev-1"), Readings.Temperature(2, 40)));
        await Poll.UntilAsync(() => !old.IsConnected, TimeSpan.FromSeconds(10), "the 3.1.1 connection closed");
    }

    [Fact]
    public async Task Subscribe_ToAnotherDevicesCommandsOrAWildcard_RefusedOwnGranted()
    {
        using var dir = new TempDirectory();
        var (node, credentials, _) = await StartAsync(dir, "dev-1", "dev-2");
        await using var _ = node;
        await using var dev1 = await TestDevice.ConnectAsync(node.MqttPort, "dev-1", "dev-1", credentials.Password(Site, "dev-1"), MqttProtocolVersion.V500);

        (await dev1.SubscribeAsync(Readings.Command(Site, "dev-1"))).Items.Single().ResultCode.ShouldBe(MqttClientSubscribeResultCode.GrantedQoS1);
        (await dev1.SubscribeAsync(Readings.Command(Site, "dev-2"))).Items.Single().ResultCode.ShouldBe(MqttClientSubscribeResultCode.NotAuthorized);
        (await dev1.SubscribeAsync($"mesh/{Site}/+/command")).Items.Single().ResultCode.ShouldBe(MqttClientSubscribeResultCode.NotAuthorized);
        (await dev1.SubscribeAsync("#")).Items.Single().ResultCode.ShouldBe(MqttClientSubscribeResultCode.NotAuthorized);

        await Poll.UntilAsync(() => Refusals(node).Count == 3, TimeSpan.FromSeconds(10), "three refused subscriptions in the journal");
        Refusals(node).ShouldAllBe(r => r.Outcome.Contains("may subscribe only to mesh/site-d/dev-1/command"));
    }

    [Fact]
    public async Task DevicesFile_MalformedEdit_RefusedWithPositionLastGoodKept_ThenANewDeviceIsAdmitted()
    {
        using var dir = new TempDirectory();
        var (node, credentials, file) = await StartAsync(dir, "dev-1");
        await using var _ = node;

        await File.WriteAllTextAsync(file, "site: site-d\ndevices:\n  - id: dev-1\n    password_hash: hunter2\n");
        await Poll.UntilAsync(() => node.Process.Output.Contains("[7601]"), TimeSpan.FromSeconds(10), "the bad edit refused");
        node.Process.Output.ShouldContain($"{file}:4:20: password_hash: expected a PBKDF2-SHA512 hash");
        await using (var still = await TestDevice.ConnectAsync(node.MqttPort, "dev-1", "dev-1", credentials.Password(Site, "dev-1")))
            still.IsConnected.ShouldBeTrue("the last good list still admits dev-1");

        var added = DeviceCredentials.Provision(dir.Sub("devices-2.yaml"), Site, ["dev-1", "dev-3"]);
        File.Move(dir.Sub("devices-2.yaml"), file, overwrite: true);
        TestDevice? dev3 = null;
        await Poll.UntilAsync(async () =>
        {
            try { dev3 = await TestDevice.ConnectAsync(node.MqttPort, "dev-3", "dev-3", added.Password(Site, "dev-3")); return true; }
            catch (ConnectRefusedException) { return false; }
        }, TimeSpan.FromSeconds(10), "dev-3 admitted once the file names it");
        await dev3!.DisposeAsync();
        await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(node.MqttPort, "dev-1", "dev-1", credentials.Password(Site, "dev-1")));
    }

    [Fact]
    public async Task SiteAccount_WithTheSiteToken_MayUseOnlyTheLocalApprovalTopics()
    {
        const string token = "site-token-0123456789";
        using var dir = new TempDirectory();
        var file = dir.Sub("devices.yaml");
        DeviceCredentials.Provision(file, Site, ["dev-1"]);
        await using var node = await RunningNode.StartAsync("edge-d", Site, dir.Sub("edge-d"), Nowhere,
            "--Node:Devices:AllowAnonymous=false", $"--Node:Devices:File={file}", $"--Node:Approvals:SiteToken={token}");

        var wrong = await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(node.MqttPort, "mesh-approvals-1", "$site", "not-the-token"));
        wrong.ResultCode.ShouldBe(MqttClientConnectResultCode.NotAuthorized);
        var asDevice = await Should.ThrowAsync<ConnectRefusedException>(() => TestDevice.ConnectAsync(node.MqttPort, "dev-1", "$site", token, MqttProtocolVersion.V500));
        asDevice.ResultCode.ShouldBe(MqttClientConnectResultCode.ClientIdentifierNotValid);
        await using var person = await TestDevice.ConnectAsync(node.MqttPort, "mesh-approvals-1", "$site", token, MqttProtocolVersion.V500);
        (await person.SubscribeAsync($"mesh-local/{Site}/approvals/ap-1/result")).Items.Single().ResultCode.ShouldBe(MqttClientSubscribeResultCode.GrantedQoS1);
        (await person.SubscribeAsync($"mesh-local/{Site}/approvals/+/result")).Items.Single().ResultCode.ShouldBe(MqttClientSubscribeResultCode.NotAuthorized);
        (await person.PublishWithResultAsync($"mesh-local/{Site}/approvals", "{}")).IsSuccess.ShouldBeTrue();
        (await person.PublishWithResultAsync(Readings.Telemetry(Site, "dev-1"), Readings.Temperature(1, 20))).ReasonCode
            .ShouldBe(MqttClientPublishReasonCode.NotAuthorized);
    }

    [Fact]
    public async Task Cli_DeviceAddThenSimWithItsCredentials_EveryReadingAcknowledged()
    {
        using var dir = new TempDirectory();
        var file = dir.Sub("devices.yaml");
        var added = await MeshCli.RunAsync(TimeSpan.FromMinutes(1), "device", "add", "--site", Site, "--id", "dev-0001", "--id", "dev-0002",
            "--file", file, "--credentials-out", dir.Sub("sim.credentials"));
        added.ExitCode.ShouldBe(0, added.ToString());
        added.Stdout.ShouldMatch(@"dev-0001 [A-Za-z0-9_-]{32}");
        File.ReadAllText(file).ShouldNotContain(File.ReadAllLines(dir.Sub("sim.credentials"))[0].Split(':')[1], Case.Sensitive, "only the hash is kept");
        await using var node = await RunningNode.StartAsync("edge-d", Site, dir.Sub("edge-d"), Nowhere,
            "--Node:Devices:AllowAnonymous=false", $"--Node:Devices:File={file}");

        var sim = await MeshCli.RunAsync(TimeSpan.FromMinutes(2), "sim", "--port", node.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--site", Site, "--devices", "2", "--readings", "20", "--rate", "0", "--credentials", dir.Sub("sim.credentials"));
        var anonymous = await MeshCli.RunAsync(TimeSpan.FromMinutes(1), "sim", "--port", node.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--site", Site, "--devices", "1", "--readings", "1");

        sim.ExitCode.ShouldBe(0, sim.ToString());
        sim.Stdout.ShouldContain("All 40 valid readings were acknowledged.");
        anonymous.ExitCode.ShouldBe(1, anonymous.ToString());
        anonymous.Stdout.ShouldContain("NotAuthorized");
    }

    /// <summary>The chaos case: a device floods publishes outside its ACL while good devices keep publishing.</summary>
    [Fact]
    public async Task Flood_OutsideAcl_GoodDevicesLoseNothingEveryRefusalNamedNodeStaysUp()
    {
        using var dir = new TempDirectory();
        var good = new SimulatorOptions { Devices = 8 };
        var (node, credentials, _) = await StartAsync(dir, [.. good.DeviceIds(), "rogue"]);
        await using var _ = node;

        var sim = new SensorSimulator().RunAsync(good with
        {
            Port = node.MqttPort, Sites = [Site], ReadingsPerDevice = 150, Rate = 400, Credentials = credentials,
        }, null, CancellationToken.None);
        await using var rogue = await TestDevice.ConnectAsync(node.MqttPort, "rogue", "rogue", credentials.Password(Site, "rogue"), MqttProtocolVersion.V500);
        const int flood = 3000;
        var refused = 0;
        var reasons = new HashSet<string>();
        for (var i = 0; i < flood; i++)
        {
            var victim = $"dev-{i % 8 + 1:D4}";
            var topic = i % 3 == 0 ? Readings.Command(Site, victim) : Readings.Telemetry(Site, victim);
            var result = await rogue.PublishWithResultAsync(topic, Readings.Temperature(10_000 + i, 50));
            if (result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized)
                refused++;
            reasons.Add(result.ReasonString ?? "");
        }
        var done = await sim;

        refused.ShouldBe(flood, "every publish outside the ACL was refused");
        reasons.ShouldBe(["device 'rogue' may publish only to mesh/site-d/rogue/telemetry"]);
        done.Acknowledged.ShouldBe(done.AttemptedValid);
        done.AttemptedValid.ShouldBe(8 * 150);
        var records = JournalFile.ReadAll(node.JournalPath);
        var observed = records.Where(r => r.Kind == AuditKind.Observation).GroupBy(r => r.Device).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (key, seqs) in done.AckedSeqs)
            observed.GetValueOrDefault(key.Device).ShouldBe(seqs.Count, $"every acknowledged reading of {key.Device} recorded once");
        var audited = records.Where(r => r.Kind == AuditKind.Rejected && r.Device == "rogue").ToList();
        audited.Count.ShouldBeInRange(1, 16, "each distinct refusal (16 topics, one reason) is audited once, not 3000 times");
        audited.ShouldAllBe(r => r.Outcome.Contains("may publish only to mesh/site-d/rogue/telemetry"));
        node.Process.HasExited.ShouldBeFalse();
        rogue.IsConnected.ShouldBeTrue();
    }
}
