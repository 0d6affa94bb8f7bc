using System.Net;
using System.Text.Json;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Site policies from the hub (and from a local file) reaching a real mesh-node process: what the node runs is
/// read back from the hub, which learns it from the node's synced PolicyActivated/PolicyRejected records, and
/// checked by what the node then does with readings.
/// </summary>
public sealed class PolicyDistributionTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HubPush_NodeConnected_NodeReportsVersionAndActsOnIt()
    {
        await using var node = await StartNodeAsync("pd-a");

        var v1 = await HubApi.PushValidPolicyAsync(fixture.Http, node.Site, Cooling(node.Site, 1, above: 30));

        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 1, Sha(v1), Deadline);
        await using var device = await node.DeviceAsync("cool-1");
        (await device.PublishAsync(Readings.Telemetry(node.Site, "cool-1"), Readings.Temperature(1, 31))).ShouldBeTrue();
        var command = await ReceivedCommands.WaitForAsync(device, "cooling-on", 1, Deadline);
        command.GetProperty("rule").GetString().ShouldBe("overheat");
        var observation = await WaitForHubRecordAsync(node, AuditKind.Observation, "cool-1#1");
        observation.GetProperty("policyVersion").GetString().ShouldBe(Ref(v1));
    }

    [Fact]
    public async Task HubPush_NewerVersion_NodeHotReloadsAndActsOnNewThreshold()
    {
        await using var node = await StartNodeAsync("pd-b");
        var v1 = await HubApi.PushValidPolicyAsync(fixture.Http, node.Site, Cooling(node.Site, 1, above: 30));
        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 1, Sha(v1), Deadline);

        var v2 = await HubApi.PushValidPolicyAsync(fixture.Http, node.Site, Cooling(node.Site, 2, above: 40));

        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 2, Sha(v2), Deadline);
        await using var device = await node.DeviceAsync("reload-1");
        await AssertNoCommandAsync(node, device, "reload-1", 1, 35, Ref(v2));
        (await device.PublishAsync(Readings.Telemetry(node.Site, "reload-1"), Readings.Temperature(2, 41))).ShouldBeTrue();
        await ReceivedCommands.WaitForAsync(device, "cooling-on", 2, Deadline);
        ReceivedCommands.Of(device).Select(c => c.GetProperty("seq").GetInt64()).ShouldBe([2], "35 is below v2's threshold: only 41 commands");
    }

    [Fact]
    public async Task HubPush_InvalidPolicy_Refused400WithPlacesAndNodeKeepsRunningVersion()
    {
        await using var node = await StartNodeAsync("pd-c");
        var v2 = await HubApi.PushValidPolicyAsync(fixture.Http, node.Site, Cooling(node.Site, 2, above: 40));
        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 2, Sha(v2), Deadline);
        // Line 8, column 5: a misspelt key; were the file read, the threshold would drop to 20.
        var invalid = Cooling(node.Site, 3, above: 20) + "    gaet: allow\n";

        using var response = await HubApi.PushPolicyAsync(fixture.Http, node.Site, invalid);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var error = body.GetProperty("errors").EnumerateArray().ShouldHaveSingleItem();
        error.GetProperty("file").GetString().ShouldBe($"policies/{node.Site}.yaml");
        (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32()).ShouldBe((8, 5));
        error.GetProperty("message").GetString()!.ShouldContain("unknown key 'gaet'");
        var status = await HubApi.PolicyStatusAsync(fixture.Http, node.Site);
        status.GetProperty("active").GetProperty("version").GetInt64().ShouldBe(2);
        status.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt64()).ShouldBe([2]);
        await using var device = await node.DeviceAsync("keep-1");
        await AssertNoCommandAsync(node, device, "keep-1", 1, 35, Ref(v2));
        var reported = await HubApi.NodePolicyAsync(fixture.Http, node.Site, node.NodeId);
        reported!.Value.GetProperty("version").GetInt64().ShouldBe(2);
        reported.Value.GetProperty("rejected").ValueKind.ShouldBe(JsonValueKind.Null, "the node never saw the refused file");
    }

    [Fact]
    public async Task HubRollback_ToOlderVersion_NodeRunsItAgainUnderNewerActivation()
    {
        await using var node = await StartNodeAsync("pd-d");
        var v1 = await HubApi.PushValidPolicyAsync(fixture.Http, node.Site, Cooling(node.Site, 1, above: 30));
        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 1, Sha(v1), Deadline);
        var v2 = await HubApi.PushValidPolicyAsync(fixture.Http, node.Site, Cooling(node.Site, 2, above: 40));
        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 2, Sha(v2), Deadline);
        await using var device = await node.DeviceAsync("roll-1");
        await AssertNoCommandAsync(node, device, "roll-1", 1, 35, Ref(v2));

        var rollback = await HubApi.RollbackAsync(fixture.Http, node.Site, 1, "v2 is too lax");

        rollback.GetProperty("activation").GetInt64().ShouldBeGreaterThan(v2.GetProperty("activation").GetInt64());
        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 1, Sha(v1), Deadline);
        var activated = JournalFile.ReadAll(node.JournalPath).Last(r => r.Kind == AuditKind.PolicyActivated);
        using (var body = JsonDocument.Parse(activated.Body))
        {
            body.RootElement.GetProperty("version").GetInt64().ShouldBe(1);
            body.RootElement.GetProperty("activation").GetInt64().ShouldBe(rollback.GetProperty("activation").GetInt64());
        }
        (await device.PublishAsync(Readings.Telemetry(node.Site, "roll-1"), Readings.Temperature(2, 35))).ShouldBeTrue();
        await ReceivedCommands.WaitForAsync(device, "cooling-on", 2, Deadline);
        (await WaitForHubRecordAsync(node, AuditKind.Observation, "roll-1#2")).GetProperty("policyVersion").GetString().ShouldBe(Ref(v1));
        ReceivedCommands.Of(device).Count.ShouldBe(1);
    }

    [Fact]
    public async Task LocalFile_InvalidEdit_RejectionReportedAtHubAndNodeKeepsLastGoodVersion()
    {
        var file = fixture.Dir.Sub("pd-e-policy.yaml");
        await File.WriteAllTextAsync(file, Cooling("pd-e", 5, above: 50));
        await using var node = await StartNodeAsync("pd-e", $"--Node:Policy:File={file}", "--Node:Policy:PollInterval=00:00:00.1");
        var v5 = Mesh.Protocol.Policy.PolicyLoader.Parse(await File.ReadAllTextAsync(file), file).Policy!;
        await HubApi.WaitForNodePolicyAsync(fixture.Http, node.Site, node.NodeId, 5, v5.Sha256, Deadline);

        // Line 8, column 5: a misspelt key in an edit that would lower the threshold to 20.
        await File.WriteAllTextAsync(file, Cooling("pd-e", 6, above: 20) + "    gaet: allow\n");

        JsonElement rejected = default;
        await Poll.UntilAsync(async () =>
        {
            var n = await HubApi.NodePolicyAsync(fixture.Http, node.Site, node.NodeId);
            if (n?.GetProperty("rejected") is not { ValueKind: JsonValueKind.Object } r)
                return false;
            rejected = r.Clone();
            return true;
        }, Deadline, "the hub lists the node's rejection of the edited file");
        rejected.GetProperty("reason").GetString()!.ShouldSatisfyAllConditions(
            reason => reason.ShouldStartWith($"{file}:8:5: "),
            reason => reason.ShouldContain("unknown key 'gaet'"));
        var reported = await HubApi.NodePolicyAsync(fixture.Http, node.Site, node.NodeId);
        (reported!.Value.GetProperty("version").GetInt64(), reported.Value.GetProperty("sha256").GetString()).ShouldBe((5L, v5.Sha256));
        await using var device = await node.DeviceAsync("file-1");
        await AssertNoCommandAsync(node, device, "file-1", 1, 25, v5.Ref);
        (await device.PublishAsync(Readings.Telemetry(node.Site, "file-1"), Readings.Temperature(2, 55))).ShouldBeTrue();
        await ReceivedCommands.WaitForAsync(device, "cooling-on", 2, Deadline);
    }

    /// <summary>Sends a reading that must not command, then proves it did not: its Observation reached the hub
    /// under <paramref name="policyRef"/> with no Decision or Action (they are journaled in the same write), and
    /// the device got no command for it.</summary>
    private async Task AssertNoCommandAsync(RunningNode node, TestDevice device, string deviceId, long seq, double celsius, string policyRef)
    {
        (await device.PublishAsync(Readings.Telemetry(node.Site, deviceId), Readings.Temperature(seq, celsius))).ShouldBeTrue();
        var observation = await WaitForHubRecordAsync(node, AuditKind.Observation, $"{deviceId}#{seq}");
        observation.GetProperty("policyVersion").GetString().ShouldBe(policyRef);
        var records = await HubAudit.ReadAllAsync(fixture.Http, node.NodeId);
        records.Where(r => r.GetProperty("messageKey").GetString()!.StartsWith($"{deviceId}#{seq}/", StringComparison.Ordinal))
            .ShouldBeEmpty($"no rule fires for {celsius} under {policyRef}");
        ReceivedCommands.Of(device).ShouldBeEmpty();
    }

    private async Task<JsonElement> WaitForHubRecordAsync(RunningNode node, AuditKind kind, string messageKey)
    {
        JsonElement found = default;
        await Poll.UntilAsync(async () =>
        {
            var match = (await HubAudit.ReadAllAsync(fixture.Http, node.NodeId))
                .Where(r => r.GetProperty("kind").GetString() == kind.ToString() && r.GetProperty("messageKey").GetString() == messageKey).ToList();
            if (match.Count == 0)
                return false;
            found = match.ShouldHaveSingleItem();
            return true;
        }, Deadline, $"the hub holds the {kind} record {messageKey}");
        return found;
    }

    private Task<RunningNode> StartNodeAsync(string site, params string[] extra) =>
        RunningNode.StartAsync($"{site}-node", site, fixture.Dir.Sub(site), fixture.Hub.Address.ToString(), extra);

    private static string Cooling(string site, long version, double above) => $$"""
        site: {{site}}
        version: {{version}}
        description: e2e cooling above {{above}}
        rules:
          - id: overheat
            when: { metric: temperature, gt: {{above}} }
            action: cooling-on

        """;

    private static string Sha(JsonElement activation) => activation.GetProperty("sha256").GetString()!;

    private static string Ref(JsonElement activation) => $"v{activation.GetProperty("version").GetInt64()}/{Sha(activation)[..12]}";
}
