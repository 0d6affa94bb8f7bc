using System.Net;
using System.Text.Json;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Approval-gated actions end to end: a real mesh-node process asks, the hub lists the request, an operator
/// decides through the real <c>mesh</c> CLI (or the hub's API), and the device gets its command only when the
/// approval is granted. Every outcome is checked at the device, at the hub and in the node's own journal.
/// </summary>
public sealed class ApprovalFlowTests(ApprovalFlowTests.SharedNode shared, ConsoleBrowser browser)
    : IClassFixture<ApprovalFlowTests.SharedNode>, IClassFixture<ConsoleBrowser>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The hub, and one node at site ap-a running <see cref="Policy"/>, shared by the tests that neither kill nor isolate it.</summary>
    public sealed class SharedNode : IAsyncLifetime
    {
        private RunningNode? _node;

        public HubFixture Hub { get; } = new();

        public RunningNode Node => _node ?? throw new InvalidOperationException("the node is not started");

        public async Task InitializeAsync()
        {
            await Hub.InitializeAsync();
            _node = await StartWithPolicyAsync(Hub, "ap-a");
        }

        public async Task DisposeAsync()
        {
            if (_node is not null)
                await _node.DisposeAsync();
            await Hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task Approval_ApprovedWithCli_OneCommandCarryingApprovalAndResolutionRecorded()
    {
        var node = shared.Node;
        await using var device = await node.DeviceAsync("slow-a1");
        (await device.PublishAsync(Readings.Telemetry(node.Site, "slow-a1"), Readings.Temperature(1, 31))).ShouldBeTrue();
        var pending = await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-a1", "pending", Deadline);
        var id = pending.GetProperty("id").GetString()!;
        (pending.GetProperty("rule").GetString(), pending.GetProperty("action").GetString(), pending.GetProperty("role").GetString(), pending.GetProperty("seq").GetInt64())
            .ShouldBe(("vent", "vent-open", "operator", 1L));
        ReceivedCommands.Of(device).ShouldBeEmpty("nothing runs before a person approves");

        var cli = await MeshCli.RunAsync(Deadline, "approvals", "approve", id, "--hub", HubUrl, "--token", shared.Hub.Hub.TokenOf("alice"), "--comment", "room is empty, vent it");

        cli.ExitCode.ShouldBe(0, cli.ToString());
        cli.Stdout.ShouldContain($"Approved {id}");
        var command = await ReceivedCommands.WaitForAsync(device, "vent-open", 1, Deadline);
        command.GetProperty("approval").GetString().ShouldBe(id);
        var resolved = await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-a1", "resolved", Deadline);
        var resolution = resolved.GetProperty("resolution");
        (resolution.GetProperty("outcome").GetString(), resolution.GetProperty("by").GetString(), resolution.GetProperty("comment").GetString(), resolution.GetProperty("executed").GetBoolean())
            .ShouldBe(("granted", "alice", "room is empty, vent it", true));
        resolved.GetProperty("decision").GetProperty("late").GetBoolean().ShouldBeFalse();
        await MarkerRoundTripAsync(node, device, "slow-a1", 2);
        ReceivedCommands.Of(device, "vent-open").Count.ShouldBe(1, "exactly one command, even though the hub may resend its decision");
        var journal = JournalFile.OfDevice(node.JournalPath, "slow-a1");
        var settled = journal.Where(r => r.Kind == AuditKind.ApprovalResolved).ShouldHaveSingleItem();
        settled.MessageKey.ShouldBe(id);
        settled.Outcome.ShouldBe("granted");
        var action = journal.Where(r => r.Kind == AuditKind.Action && r.Decision == "vent-open").ShouldHaveSingleItem();
        action.Sequence.ShouldBeGreaterThan(settled.Sequence);
        JsonDocument.Parse(action.Body).RootElement.GetProperty("approval").GetString().ShouldBe(id);
    }

    [Fact]
    public async Task Approval_ApprovedInTheConsole_TheDeviceGetsItsCommandAndTheNodeRecordsWhoApproved()
    {
        var node = shared.Node;
        await using var device = await node.DeviceAsync("slow-w1");
        (await device.PublishAsync(Readings.Telemetry(node.Site, "slow-w1"), Readings.Temperature(1, 31))).ShouldBeTrue();
        var id = (await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-w1", "pending", Deadline)).GetProperty("id").GetString()!;
        var login = shared.Hub.Hub.Login!;
        var page = await browser.SignedInAsync(login.Login, login.Name, login.Password);

        await page.GotoAsync(new Uri(login.Login, $"/approvals?site={node.Site}").ToString());
        var row = page.Locator($"tr[data-approval='{id}']");
        await row.Locator("input[name=comment]").FillAsync("checked on camera");
        await row.Locator("button[value=true]").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator(".notice")).ToContainTextAsync($"Approved {id}");

        var command = await ReceivedCommands.WaitForAsync(device, "vent-open", 1, Deadline);
        command.GetProperty("approval").GetString().ShouldBe(id);
        var resolution = (await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-w1", "resolved", Deadline)).GetProperty("resolution");
        (resolution.GetProperty("outcome").GetString(), resolution.GetProperty("by").GetString(), resolution.GetProperty("comment").GetString(), resolution.GetProperty("executed").GetBoolean())
            .ShouldBe(("granted", login.Name, "checked on camera", true));
        // The console shows what the node reported: executed, by the person who approved.
        await page.GotoAsync(new Uri(login.Login, $"/approvals?state=resolved&site={node.Site}").ToString());
        await Microsoft.Playwright.Assertions.Expect(page.Locator($"tr[data-approval='{id}'] .badge")).ToHaveTextAsync($"granted (approved by {login.Name})");
        await ConsoleBrowser.ScreenshotAsync(page, "approvals-resolved-by-node");
    }

    [Fact]
    public async Task Approval_DeniedWithCli_NoCommandEver()
    {
        var node = shared.Node;
        await using var device = await node.DeviceAsync("slow-b1");
        (await device.PublishAsync(Readings.Telemetry(node.Site, "slow-b1"), Readings.Temperature(1, 31))).ShouldBeTrue();
        var id = (await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-b1", "pending", Deadline)).GetProperty("id").GetString()!;

        var cli = await MeshCli.RunAsync(Deadline, "approvals", "deny", id, "--hub", HubUrl, "--token", shared.Hub.Hub.TokenOf("bob"), "--comment", "someone is inside");

        cli.ExitCode.ShouldBe(0, cli.ToString());
        cli.Stdout.ShouldContain($"Denied {id}");
        var resolution = (await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-b1", "resolved", Deadline)).GetProperty("resolution");
        (resolution.GetProperty("outcome").GetString(), resolution.GetProperty("by").GetString(), resolution.GetProperty("executed").GetBoolean())
            .ShouldBe(("denied", "bob", false));
        await MarkerRoundTripAsync(node, device, "slow-b1", 2);
        ReceivedCommands.Of(device, "vent-open").ShouldBeEmpty();
        JournalFile.OfDevice(node.JournalPath, "slow-b1").Where(r => r.Kind == AuditKind.Action && r.Decision == "vent-open").ShouldBeEmpty();
    }

    [Fact]
    public async Task Approval_TimeoutThenLateApprove_TimedOutDeniedLateRecordedNoCommand()
    {
        var node = shared.Node;
        await using var device = await node.DeviceAsync("quick-c1");
        (await device.PublishAsync(Readings.Telemetry(node.Site, "quick-c1"), Readings.Temperature(1, 31))).ShouldBeTrue();

        var resolved = await HubApi.WaitForApprovalAsync(Http, node.NodeId, "quick-c1", "resolved", Deadline);

        resolved.GetProperty("decision").ValueKind.ShouldBe(JsonValueKind.Null, "nobody decided");
        var resolution = resolved.GetProperty("resolution");
        (resolution.GetProperty("outcome").GetString(), resolution.GetProperty("by").GetString(), resolution.GetProperty("executed").GetBoolean())
            .ShouldBe(("timed-out-denied", "policy", false));
        var id = resolved.GetProperty("id").GetString()!;
        var (status, late) = await HubApi.DecideAsync(shared.Hub.Hub.ClientOf("carol"), id, approve: true, "sorry, was at lunch");
        status.ShouldBe(HttpStatusCode.OK, late.ToString());
        late.GetProperty("decision").GetProperty("late").GetBoolean().ShouldBeTrue();
        await Poll.UntilAsync(() => JournalFile.Find(node.JournalPath, AuditKind.ApprovalLate, id) is not null, Deadline, "the node records the late decision");
        using (var body = JsonDocument.Parse(JournalFile.Find(node.JournalPath, AuditKind.ApprovalLate, id)!.Body))
        {
            body.RootElement.GetProperty("settledAs").GetString().ShouldBe("timed-out-denied");
            body.RootElement.GetProperty("by").GetString().ShouldBe("carol");
        }
        await MarkerRoundTripAsync(node, device, "quick-c1", 2);
        ReceivedCommands.Of(device, "vent-open").ShouldBeEmpty();
        JournalFile.OfDevice(node.JournalPath, "quick-c1").Where(r => r.Kind == AuditKind.Action && r.Decision == "vent-open").ShouldBeEmpty();
    }

    [Fact]
    public async Task Approval_NodeKilledWhilePending_SurvivesRestartAndApprovedCommandArrives()
    {
        await using var node = await StartWithPolicyAsync(shared.Hub, "ap-d");
        await using (var before = await node.DeviceAsync("slow-d1"))
            (await before.PublishAsync(Readings.Telemetry(node.Site, "slow-d1"), Readings.Temperature(1, 31))).ShouldBeTrue();
        var id = (await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-d1", "pending", Deadline)).GetProperty("id").GetString()!;

        await node.KillAndRestartAsync();
        await using var device = await node.DeviceAsync("slow-d1");
        var (status, decided) = await HubApi.DecideAsync(shared.Hub.Hub.ClientOf("dave"), id, approve: true, "after the restart");

        status.ShouldBe(HttpStatusCode.OK, decided.ToString());
        var command = await ReceivedCommands.WaitForAsync(device, "vent-open", 1, Deadline);
        command.GetProperty("approval").GetString().ShouldBe(id);
        var resolution = (await HubApi.WaitForApprovalAsync(Http, node.NodeId, "slow-d1", "resolved", Deadline)).GetProperty("resolution");
        (resolution.GetProperty("outcome").GetString(), resolution.GetProperty("by").GetString()).ShouldBe(("granted", "dave"));
        JournalFile.OfDevice(node.JournalPath, "slow-d1").Count(r => r.Kind == AuditKind.Observation).ShouldBe(1);
    }

    [Fact]
    public async Task Approval_HubUnreachable_OfflineDenyAtOnceAndDeferWaitsForHub()
    {
        using var dir = new TempDirectory();
        var hubPort = NodeProcess.FreePort();
        var file = dir.Sub("ap-e.yaml");
        await File.WriteAllTextAsync(file, OfflinePolicy("ap-e"));
        await using var node = await RunningNode.StartAsync("ap-e-node", "ap-e", dir.Sub("node"), $"http://127.0.0.1:{hubPort}", $"--Node:Policy:File={file}");
        var strict = await node.DeviceAsync("strict-e1");
        var patient = await node.DeviceAsync("patient-e1");
        LocalHub? hub = null;
        try
        {
            (await strict.PublishAsync(Readings.Telemetry(node.Site, "strict-e1"), Readings.Temperature(1, 31))).ShouldBeTrue();
            (await patient.PublishAsync(Readings.Telemetry(node.Site, "patient-e1"), Readings.Temperature(1, 31))).ShouldBeTrue();

            // The reading is acknowledged only once its records are durable; the offline denial is settled right after.
            await Poll.UntilAsync(() => JournalFile.OfDevice(node.JournalPath, "strict-e1").Any(r => r.Kind == AuditKind.ApprovalResolved),
                TimeSpan.FromSeconds(10), "the offline denial in the node's journal");
            var strictRecords = JournalFile.OfDevice(node.JournalPath, "strict-e1");
            strictRecords.Single(r => r.Kind == AuditKind.ApprovalResolved).Outcome.ShouldBe("offline-denied");
            strictRecords.ShouldNotContain(r => r.Kind == AuditKind.Action);
            var patientRecords = JournalFile.OfDevice(node.JournalPath, "patient-e1");
            var requested = patientRecords.Where(r => r.Kind == AuditKind.ApprovalRequested).ShouldHaveSingleItem();
            patientRecords.ShouldNotContain(r => r.Kind == AuditKind.ApprovalResolved, "offline: defer keeps waiting for the hub");

            hub = await LocalHub.StartAsync(dir.Sub("hub"), new LocalHubAccess(["erin"], ConsoleAdmin: false), hubPort);

            var waiting = await HubApi.WaitForApprovalAsync(hub.Http, node.NodeId, "patient-e1", "pending", Deadline);
            waiting.GetProperty("id").GetString().ShouldBe(requested.MessageKey);
            var denied = await HubApi.WaitForApprovalAsync(hub.Http, node.NodeId, "strict-e1", "resolved", Deadline);
            denied.GetProperty("resolution").GetProperty("outcome").GetString().ShouldBe("offline-denied");
            var (status, body) = await HubApi.DecideAsync(hub.ClientOf("erin"), requested.MessageKey, approve: true, "hub is back");
            status.ShouldBe(HttpStatusCode.OK, body.ToString());
            (await ReceivedCommands.WaitForAsync(patient, "vent-open", 1, Deadline)).GetProperty("approval").GetString().ShouldBe(requested.MessageKey);
            ReceivedCommands.Of(strict).ShouldBeEmpty();
        }
        finally
        {
            await strict.DisposeAsync();
            await patient.DisposeAsync();
            // The node goes first: a hub stopped while a node's sync stream is open waits out the host's 30 s shutdown timeout.
            await node.DisposeAsync();
            if (hub is not null)
                await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task Approval_HubUnreachableApproveLocally_SiteTokenDecisionRunsCommandAndWrongTokenRefused()
    {
        using var dir = new TempDirectory();
        const string token = "branch-ap-f-token-0123456789";
        var file = dir.Sub("ap-f.yaml");
        await File.WriteAllTextAsync(file, LocalPolicy("ap-f"));
        await using var node = await RunningNode.StartAsync("ap-f-node", "ap-f", dir.Sub("node"), $"http://127.0.0.1:{NodeProcess.FreePort()}",
            $"--Node:Policy:File={file}", $"--Node:Approvals:SiteToken={token}");
        await using var device = await node.DeviceAsync("local-f1");
        (await device.PublishAsync(Readings.Telemetry(node.Site, "local-f1"), Readings.Temperature(1, 31))).ShouldBeTrue();
        await Poll.UntilAsync(() => JournalFile.OfDevice(node.JournalPath, "local-f1").Any(r => r.Kind == AuditKind.ApprovalRequested),
            TimeSpan.FromSeconds(10), "the approval request in the node's journal");
        var id = JournalFile.OfDevice(node.JournalPath, "local-f1").Single(r => r.Kind == AuditKind.ApprovalRequested).MessageKey;
        var broker = $"127.0.0.1:{node.MqttPort}";

        var forged = await MeshCli.RunAsync(Deadline, "approvals", "approve", id, "--node-mqtt", broker, "--site", "ap-f",
            "--site-token", "not-the-site-token-at-all", "--by", "mallory");
        forged.ExitCode.ShouldBe(1, forged.ToString());
        forged.Stdout.ShouldContain("signature does not match");

        var local = await MeshCli.RunAsync(Deadline, "approvals", "approve", id, "--node-mqtt", broker, "--site", "ap-f",
            "--site-token", token, "--by", "frank", "--comment", "store manager, on site");
        local.ExitCode.ShouldBe(0, local.ToString());

        (await ReceivedCommands.WaitForAsync(device, "vent-open", 1, Deadline)).GetProperty("approval").GetString().ShouldBe(id);
        await Poll.UntilAsync(() => JournalFile.OfDevice(node.JournalPath, "local-f1").Any(r => r.Kind == AuditKind.ApprovalResolved),
            TimeSpan.FromSeconds(10), "the local settlement in the node's journal");
        var resolved = JournalFile.OfDevice(node.JournalPath, "local-f1").Single(r => r.Kind == AuditKind.ApprovalResolved);
        resolved.Outcome.ShouldBe("locally-approved");
        resolved.Body.ShouldContain("\"by\":\"frank\"");
        JournalFile.ReadAll(node.JournalPath).ShouldContain(r => r.Kind == AuditKind.Rejected && r.Outcome.Contains("signature does not match"),
            "the forged decision is recorded with its reason");
    }

    private HttpClient Http => shared.Hub.Http;

    private string HubUrl => shared.Hub.Hub.Address.ToString();

    /// <summary>A reading that fires the ungated marker rule: once its ping arrives, any command sent before it has arrived too
    /// (one broker, one subscription, in order), so counting commands after this is not racing them.</summary>
    private static async Task MarkerRoundTripAsync(RunningNode node, TestDevice device, string deviceId, long seq)
    {
        (await device.PublishAsync(Readings.Telemetry(node.Site, deviceId), Readings.Of(seq, DateTime.UtcNow, ("marker", 1)))).ShouldBeTrue();
        await ReceivedCommands.WaitForAsync(device, "ping", seq, Deadline);
    }

    private static async Task<RunningNode> StartWithPolicyAsync(HubFixture hub, string site)
    {
        var pushed = await HubApi.PushValidPolicyAsync(hub.Http, site, Policy(site));
        var node = await RunningNode.StartAsync($"{site}-node", site, hub.Dir.Sub(site), hub.Hub.Address.ToString());
        await HubApi.WaitForNodePolicyAsync(hub.Http, site, node.NodeId, 1, pushed.GetProperty("sha256").GetString()!, Deadline);
        return node;
    }

    /// <summary>Devices slow-* wait 5 minutes for a person (never reached in a test); quick-* time out after 2 s and are denied.</summary>
    private static string Policy(string site) => $$"""
        site: {{site}}
        version: 1
        groups:
          - id: patient
            devices: ["slow-*"]
          - id: hasty
            devices: ["quick-*"]
        rules:
          - id: vent
            groups: [patient]
            when: { metric: temperature, gt: 30 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: 5m, on_timeout: deny, offline: defer, max_age: 10m }
          - id: vent-quick
            groups: [hasty]
            when: { metric: temperature, gt: 30 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: 2s, on_timeout: deny, offline: defer, max_age: 10m }
          - id: marker
            when: { metric: marker, gt: 0 }
            action: ping
        """;

    private static string OfflinePolicy(string site) => $$"""
        site: {{site}}
        version: 1
        groups:
          - id: strict
            devices: ["strict-*"]
          - id: patient
            devices: ["patient-*"]
        rules:
          - id: vent-strict
            groups: [strict]
            when: { metric: temperature, gt: 30 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: 5m, on_timeout: deny, offline: deny, max_age: 10m }
          - id: vent-patient
            groups: [patient]
            when: { metric: temperature, gt: 30 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: 5m, on_timeout: deny, offline: defer, max_age: 10m }
        """;

    private static string LocalPolicy(string site) => $$"""
        site: {{site}}
        version: 1
        rules:
          - id: vent-local
            when: { metric: temperature, gt: 30 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: 5m, on_timeout: deny, offline: approve_locally, max_age: 10m }
        """;
}
