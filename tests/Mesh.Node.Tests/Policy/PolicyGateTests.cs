using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Tests.Policy;

/// <summary>What the gate makes of proposed actions: deny, rate limits and approvals.</summary>
public sealed class PolicyGateTests
{
    private const string Toggle = """
          - id: overheat
            when: { metric: temperature, gt: 30 }
            action: cooling-on
            clear_action: cooling-off
        """;

    private const string Humid = """
          - id: humid
            when: { metric: humidity, gt: 80 }
            action: fan-on
        """;

    private static DeviceRun Run(string rules, string extra = "") => new(TestPolicies.For(TestPolicies.WithRules(rules, extra)));

    [Fact]
    public void Deny_RuleSwitchesOn_RecordedAsDeniedAndNothingSent()
    {
        var run = Run("""
              - id: dock-unlock
                when: { metric: badge_ok, eq: 1 }
                action: unlock
                gate: deny
            """);

        var evt = run.Feed(0, ("badge_ok", 1));

        var fired = evt.Fired.ShouldHaveSingleItem();
        fired.Gate.ShouldBe(GateOutcome.Denied);
        fired.Sends.ShouldBeFalse();
        fired.Reason.ShouldEndWith("; gate: deny");
        run.State.ActiveRules.ShouldContain("dock-unlock", "the alarm is on even though its action is forbidden");
        run.State.Issued.ShouldBeEmpty();
        var drafts = AuditDrafts.ForReading("dev-1", evt, "p");
        drafts.Select(d => (d.Kind, d.Outcome)).ShouldBe([(AuditKind.Observation, "accepted"), (AuditKind.Decision, "denied")]);
    }

    [Fact]
    public void RateLimit_PerAction_ThirdWithinWindowIsRateLimited()
    {
        var run = Run(Toggle, "rate_limits:\n  - { action: cooling-on, max: 2, per: 1m }\n");

        var proposed = new[] { 31, 20, 31, 20, 31, 20 }.Select((t, i) => run.Proposed(i, ("temperature", t))).ToList();

        proposed.ShouldBe(["cooling-on:Allowed", "cooling-off:Allowed", "cooling-on:Allowed", "cooling-off:Allowed",
            "cooling-on:RateLimited", "cooling-off:Allowed"]);
    }

    [Fact]
    public void RateLimit_ReadingTimestampsPastTheWindow_AllowsAgain()
    {
        var run = Run(Toggle, "rate_limits:\n  - { action: cooling-on, max: 2, per: 1m }\n");
        run.Proposed(0, ("temperature", 31)).ShouldBe("cooling-on:Allowed");
        run.Proposed(1, ("temperature", 20));
        run.Proposed(30, ("temperature", 31)).ShouldBe("cooling-on:Allowed");
        run.Proposed(31, ("temperature", 20));
        run.Proposed(59, ("temperature", 31)).ShouldBe("cooling-on:RateLimited");
        run.Proposed(60, ("temperature", 20));

        run.Proposed(61, ("temperature", 31)).ShouldBe("cooling-on:Allowed", "the command at 0 s is more than 1m before this reading");
    }

    [Fact]
    public void RateLimit_RateLimitedProposal_DoesNotCountAsSent()
    {
        var run = Run(Toggle, "rate_limits:\n  - { action: cooling-on, max: 1, per: 1m }\n");
        run.Proposed(0, ("temperature", 31)).ShouldBe("cooling-on:Allowed");
        run.Proposed(1, ("temperature", 20));
        run.Proposed(2, ("temperature", 31)).ShouldBe("cooling-on:RateLimited");
        run.Proposed(3, ("temperature", 20));

        run.Proposed(61, ("temperature", 31)).ShouldBe("cooling-on:Allowed");
    }

    [Fact]
    public void RateLimit_OtherAction_NotLimited()
    {
        var run = Run(Toggle + "\n" + Humid, "rate_limits:\n  - { action: fan-on, max: 1, per: 1h }\n");

        var proposed = new[] { 31, 20, 31, 20 }.Select((t, i) => run.Proposed(i, ("temperature", t))).ToList();

        proposed.ShouldBe(["cooling-on:Allowed", "cooling-off:Allowed", "cooling-on:Allowed", "cooling-off:Allowed"]);
    }

    [Fact]
    public void RateLimit_Star_CountsEveryAction()
    {
        var run = Run(Toggle, "rate_limits:\n  - { action: \"*\", max: 3, per: 1h }\n");

        var proposed = new[] { 31, 20, 31, 20 }.Select((t, i) => run.Proposed(i, ("temperature", t))).ToList();

        proposed.ShouldBe(["cooling-on:Allowed", "cooling-off:Allowed", "cooling-on:Allowed", "cooling-off:RateLimited"]);
    }

    [Fact]
    public void RateLimit_TwoActionsInOneReading_SecondCountsTheFirst()
    {
        var run = Run(Toggle + "\n" + Humid, "rate_limits:\n  - { action: \"*\", max: 1, per: 1h }\n");

        run.Proposed(0, ("humidity", 90), ("temperature", 31)).ShouldBe("cooling-on:Allowed, fan-on:RateLimited");
        run.State.Issued.ShouldHaveSingleItem().Action.ShouldBe("cooling-on");
    }

    [Fact]
    public void RateLimit_EveryMatchingLimitApplies()
    {
        var run = Run(Toggle + "\n" + Humid,
            "rate_limits:\n  - { action: cooling-on, max: 5, per: 1h }\n  - { action: \"*\", max: 2, per: 1h }\n");

        run.Proposed(0, ("humidity", 90), ("temperature", 31)).ShouldBe("cooling-on:Allowed, fan-on:Allowed");
        run.Proposed(1, ("temperature", 20)).ShouldBe("cooling-off:RateLimited");
        run.Proposed(2, ("temperature", 31)).ShouldBe("cooling-on:RateLimited");
    }

    [Fact]
    public void RequireApproval_RuleSwitchesOn_PendingApprovalWithDeadlineFromReading()
    {
        var run = Run("""
              - id: vent
                when: { metric: temperature, gt: 30 }
                action: vent-open
                priority: 20
                gate: require_approval
                approval: { role: operator, timeout: 15m, on_timeout: approve, offline: defer, max_age: 30m }
            """);
        var reading = DeviceRun.Reading("dev-1", 7, 100, ("temperature", 31));

        var evt = run.Feed(reading, InferenceResults.None);

        var fired = evt.Fired.ShouldHaveSingleItem();
        fired.Gate.ShouldBe(GateOutcome.ApprovalRequested);
        fired.Sends.ShouldBeFalse();
        var pending = fired.Approval.ShouldNotBeNull();
        var ts = reading.Timestamp.ToUnixTimeMilliseconds();
        pending.ShouldBe(new PendingApproval(PolicyGate.ApprovalId(reading, "vent"), "vent", "vent-open", 7, ts,
            ts + 15 * 60_000, 30 * 60_000, ApprovalDefault.Approve, OfflineApproval.Defer, "operator", fired.Reason));
        pending.Id.ShouldMatch("^apr-[0-9a-f]{20}$");
        run.State.Pending.Keys.ShouldBe([pending.Id]);
        run.State.Issued.ShouldBeEmpty();
        AuditDrafts.ForReading("dev-1", evt, "p").Select(d => (d.Kind, d.Outcome, d.MessageKey)).ShouldBe([
            (AuditKind.Observation, "accepted", "dev-1#7"),
            (AuditKind.Decision, "approval-requested", "dev-1#7/vent"),
            (AuditKind.ApprovalRequested, "approval-requested", pending.Id),
        ]);
    }

    [Fact]
    public void RequireApproval_NoMaxAge_MaxAgeIsTheTimeout()
    {
        var run = Run("""
              - id: vent
                when: { metric: temperature, gt: 30 }
                action: vent-open
                gate: require_approval
                approval: { role: operator, timeout: 2m, on_timeout: deny, offline: deny }
            """);

        var pending = run.Feed(0, ("temperature", 31)).Fired.ShouldHaveSingleItem().Approval.ShouldNotBeNull();

        pending.MaxAgeMs.ShouldBe(120_000);
        pending.DeadlineMs.ShouldBe(DeviceRun.T0.ToUnixTimeMilliseconds() + 120_000);
    }

    [Fact]
    public void ApprovalId_SameReadingAndRule_SameIdElseDifferent()
    {
        var a = DeviceRun.Reading("dev-1", 7, 0, ("temperature", 31));

        PolicyGate.ApprovalId(a, "vent").ShouldBe(PolicyGate.ApprovalId(DeviceRun.Reading("dev-1", 7, 99, ("temperature", 40)), "vent"));
        new[]
        {
            PolicyGate.ApprovalId(a, "vent"),
            PolicyGate.ApprovalId(a, "other"),
            PolicyGate.ApprovalId(DeviceRun.Reading("dev-1", 8, 0), "vent"),
            PolicyGate.ApprovalId(DeviceRun.Reading("dev-2", 7, 0), "vent"),
        }.Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void Deny_TakesPrecedenceOverRateLimit()
    {
        var run = Run("""
              - id: dock-unlock
                when: { metric: badge_ok, eq: 1 }
                action: unlock
                gate: deny
            """, "rate_limits:\n  - { action: unlock, max: 1, per: 1h }\n");

        run.Proposed(0, ("badge_ok", 1)).ShouldBe("unlock:Denied");
        run.Proposed(1, ("badge_ok", 0)).ShouldBe("-:NoAction");
        run.Proposed(2, ("badge_ok", 1)).ShouldBe("unlock:Denied");
    }
}
