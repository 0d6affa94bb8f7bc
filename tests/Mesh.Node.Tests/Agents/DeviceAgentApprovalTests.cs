using System.Text.Json;
using Akka.Actor;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Node.Tests.Support;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Topics;

namespace Mesh.Node.Tests.Agents;

/// <summary>
/// A device agent with an approval-gated rule, over real persistence and a real journal. Deadlines are Akka timers
/// that fire at <c>deadline - now</c> by the test's clock, so a test puts a deadline in the past (it fires at once)
/// or an hour away (it never fires during the test).
/// </summary>
public sealed partial class DeviceAgentApprovalTests(Xunit.Abstractions.ITestOutputHelper output) : AgentTestKit(output)
{
    private static string Policy(string timeout = "1h", string onTimeout = "deny", string offline = "defer", string maxAge = "2h") => $$"""
        site: site-a
        version: 2
        rules:
          - id: vent
            when: { metric: temperature, gt: 30 }
            clear: { metric: temperature, lt: 29 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: {{timeout}}, on_timeout: {{onTimeout}}, offline: {{offline}}, max_age: {{maxAge}} }
          - id: fan
            when: { metric: humidity, gt: 80 }
            action: fan-on
        rate_limits:
          - { action: "*", max: 10, per: 1h }
        """;

    private IActorRef _agent = ActorRefs.Nobody;
    private long _seq;

    /// <summary>Activates the policy, connects the hub (unless told not to) and starts the agent.</summary>
    private async Task StartAsync(string policy, bool hubConnected = true, int snapshotEvery = 1000)
    {
        await ActivateAsync(policy);
        Hub.Set(hubConnected);
        _agent = StartAgent(Settings(snapshotEvery));
    }

    /// <summary>A hot reading that switches the vent rule on, taken <paramref name="age"/> before the clock's now; returns the approval id.</summary>
    private string RequestApproval(TimeSpan age = default)
    {
        var reading = Reading(++_seq, Clock.GetUtcNow() - age, ("temperature", 31));
        var reply = Decide(_agent, reading);
        reply.Outcome.ShouldBe(DecisionOutcome.Accepted);
        reply.Publish.ShouldHaveSingleItem().Gate.ShouldBe(GateOutcome.ApprovalRequested);
        return PolicyGate.ApprovalId(reading, "vent");
    }

    /// <summary>A reading that changes nothing; once it is recorded, everything the agent was told before it is in the journal.</summary>
    private void Marker()
    {
        var reply = Decide(_agent, Reading(++_seq, Clock.GetUtcNow(), ("temperature", 30.5)));
        reply.Outcome.ShouldBe(DecisionOutcome.Accepted);
        reply.Publish.ShouldBeEmpty();
    }

    private void DecideApproval(string id, bool approved, string by = "alice", string comment = "ok") =>
        _agent.Tell(new DeviceCommands.DecideApproval(Site, Device, id, approved, false, by, comment));

    private AuditRecord AwaitResolution(string id)
    {
        AuditRecord? resolved = null;
        AwaitAssert(() => resolved = DeviceRecords().Where(r => r.Kind == AuditKind.ApprovalResolved && r.MessageKey == id).ShouldHaveSingleItem(), Patience);
        return resolved!;
    }

    private List<AuditRecord> Actions() => DeviceRecords().Where(r => r.Kind == AuditKind.Action).ToList();

    private static string Topic => MeshTopics.Command(new SiteId(Site), new DeviceId(Device));

    [Fact]
    public async Task Approval_Requested_RecordsRequestAndNoAction()
    {
        await StartAsync(Policy());

        var id = RequestApproval();

        var records = DeviceRecords();
        records.Select(r => (r.Kind, r.Outcome)).ShouldBe([
            (AuditKind.Observation, "accepted"), (AuditKind.Decision, "approval-requested"), (AuditKind.ApprovalRequested, "approval-requested")]);
        var request = records[2];
        request.MessageKey.ShouldBe(id);
        (request.Rule, request.Decision, request.PolicyVersion).ShouldBe(("vent", "vent-open", Policies.Current.Ref));
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.GetProperty("role").GetString().ShouldBe("operator");
        body.RootElement.GetProperty("deadline").GetDateTimeOffset().ShouldBe(T0.AddHours(1));
        Lookup.DevicesWithPendingApprovals().ShouldBe([Device]);
        Published.Sent.ShouldBeEmpty();
        Stats.ApprovalsRequested.ShouldBe(1);
    }

    [Fact]
    public async Task Approval_Pending_AgentKeepsDecidingOtherReadings()
    {
        await StartAsync(Policy());
        var id = RequestApproval();

        var reply = Decide(_agent, Reading(++_seq, T0.AddSeconds(1), ("humidity", 90), ("temperature", 32)));

        var fired = reply.Publish.ShouldHaveSingleItem();
        (fired.Action, fired.Gate).ShouldBe(("fan-on", GateOutcome.Allowed));
        DecideApproval(id, approved: true);
        AwaitResolution(id).Outcome.ShouldBe("granted");
    }

    [Fact]
    public async Task DecideApproval_Approved_GrantedActionRecordedAndOneCommandPublished()
    {
        await StartAsync(Policy());
        var id = RequestApproval();
        Clock.Advance(TimeSpan.FromMinutes(5));

        DecideApproval(id, approved: true, "alice", "room is empty");

        var resolved = AwaitResolution(id);
        resolved.Outcome.ShouldBe("granted");
        using (var body = JsonDocument.Parse(resolved.Body))
        {
            body.RootElement.GetProperty("by").GetString().ShouldBe("alice");
            body.RootElement.GetProperty("comment").GetString().ShouldBe("room is empty");
            body.RootElement.GetProperty("executed").GetBoolean().ShouldBeTrue();
            body.RootElement.GetProperty("decidedAt").GetDateTimeOffset().ShouldBe(T0.AddMinutes(5));
        }
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
        var action = Actions().ShouldHaveSingleItem();
        (action.MessageKey, action.Decision, action.Outcome).ShouldBe(("dev-1#1/vent", "vent-open", "command-issued"));
        action.Sequence.ShouldBeGreaterThan(resolved.Sequence);
        var (topic, payload) = Published.Sent.ShouldHaveSingleItem();
        topic.ShouldBe(Topic);
        payload.ShouldBe(action.Body);
        using (var command = JsonDocument.Parse(payload))
        {
            command.RootElement.GetProperty("action").GetString().ShouldBe("vent-open");
            command.RootElement.GetProperty("approval").GetString().ShouldBe(id);
        }
        Stats.ApprovalsGranted.ShouldBe(1);
    }

    [Fact]
    public async Task DecideApproval_RepeatedAfterGranted_RecordsAndPublishesNothingNew()
    {
        await StartAsync(Policy());
        var id = RequestApproval();
        DecideApproval(id, approved: true);
        AwaitResolution(id);
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
        var before = Records().Count;

        DecideApproval(id, approved: true);
        Marker();

        Records().Count.ShouldBe(before + 1, "only the marker's Observation is new");
        DeviceRecords().ShouldNotContain(r => r.Kind == AuditKind.ApprovalLate);
        Published.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task DecideApproval_Denied_DeniedAndNoCommand()
    {
        await StartAsync(Policy());
        var id = RequestApproval();

        DecideApproval(id, approved: false, "carol", "not now");

        var resolved = AwaitResolution(id);
        resolved.Outcome.ShouldBe("denied");
        Marker();
        Actions().ShouldBeEmpty();
        Published.Sent.ShouldBeEmpty();
        Lookup.DevicesWithPendingApprovals().ShouldBeEmpty();
        Stats.ApprovalsDenied.ShouldBe(1);
    }

    [Fact]
    public async Task DecideApproval_AfterMaxAge_StaleAndNoCommand()
    {
        await StartAsync(Policy(timeout: "1h", maxAge: "10m"));
        var id = RequestApproval();
        Clock.Advance(TimeSpan.FromMinutes(20));

        DecideApproval(id, approved: true);

        AwaitResolution(id).Outcome.ShouldBe("stale");
        Marker();
        Actions().ShouldBeEmpty();
        Published.Sent.ShouldBeEmpty();
        Stats.ApprovalsStale.ShouldBe(1);
    }

    [Fact]
    public async Task DecideLocally_PolicyAllowsLocalApproval_LocallyApprovedAndOneCommand()
    {
        await StartAsync(Policy(offline: "approve_locally"), hubConnected: false);
        var id = RequestApproval();

        _agent.Tell(new DeviceCommands.DecideApproval(Site, Device, id, true, true, "site-operator", "at the panel"));

        AwaitResolution(id).Outcome.ShouldBe("locally-approved");
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
        Stats.ApprovalsGranted.ShouldBe(1);
    }

    [Fact]
    public async Task DecideLocally_PolicyDefers_RefusedRecordedAndStillPending()
    {
        await StartAsync(Policy(offline: "defer"), hubConnected: false);
        var id = RequestApproval();

        _agent.Tell(new DeviceCommands.DecideApproval(Site, Device, id, true, true, "site-operator", ""));
        Marker();

        var refused = DeviceRecords().Where(r => r.Kind == AuditKind.Rejected).ShouldHaveSingleItem();
        refused.Outcome.ShouldContain("approve_locally");
        DeviceRecords().ShouldNotContain(r => r.Kind == AuditKind.ApprovalResolved);
        Published.Sent.ShouldBeEmpty();
        Hub.Set(true);
        DecideApproval(id, approved: false);
        AwaitResolution(id).Outcome.ShouldBe("denied");
    }
}
