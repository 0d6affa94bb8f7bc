using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

public class PolicyLoaderTests
{
    [Fact]
    public void Parse_MinimalPolicy_AppliesEveryDefault()
    {
        var policy = TestPolicies.Load(TestPolicies.Minimal);

        policy.Site.ShouldBe("demo");
        policy.Version.ShouldBe(1);
        policy.Description.ShouldBe("");
        policy.Groups.ShouldBeEmpty();
        policy.RateLimits.ShouldBeEmpty();
        policy.Routing.ShouldBe(RoutingLimits.Unlimited);
        policy.Routing.Currency.ShouldBe("USD");
        policy.Routing.RawReadingsLeaveSite.ShouldBeFalse();
        var rule = policy.Rules.ShouldHaveSingleItem();
        rule.Id.ShouldBe("overheat");
        rule.Description.ShouldBe("");
        rule.Groups.ShouldBeEmpty();
        rule.When.ShouldBe(new CompareCondition(new MetricOperand("temperature"), CompareOp.Gt, 30));
        rule.Clear.ShouldBeNull();
        rule.Action.ShouldBe("cooling-on");
        rule.ClearAction.ShouldBe("");
        rule.Priority.ShouldBe(0);
        rule.Gate.ShouldBe(Gate.Allow);
        rule.Approval.ShouldBeNull();
    }

    [Fact]
    public void Parse_EveryRuleField_ReadIntoTheModel()
    {
        var policy = TestPolicies.Load("""
            site: berlin-01
            version: 3
            description: "Berlin branch: cold rooms"
            groups:
              - id: coolers
                devices: ["cooler-*", "fridge-0?"]
                attributes: { kind: cooler, floor: "2" }
                skills: [threshold, anomaly]
            rules:
              - id: overheat
                description: Too warm
                groups: [coolers]
                when: { metric: temperature, gt: 30 }
                clear: { metric: temperature, lt: 29.5 }
                action: cooling-on
                clear_action: cooling-off
                priority: -7
                gate: require_approval
                approval:
                  role: operator
                  timeout: 15m
                  on_timeout: approve
                  offline: approve_locally
                  max_age: 1h
            """);

        policy.Site.ShouldBe("berlin-01");
        policy.Version.ShouldBe(3);
        policy.Description.ShouldBe("Berlin branch: cold rooms");
        var group = policy.Groups.ShouldHaveSingleItem();
        group.Id.ShouldBe("coolers");
        group.Devices.ShouldBe(["cooler-*", "fridge-0?"]);
        group.Attributes.ShouldBe(new Dictionary<string, string> { ["kind"] = "cooler", ["floor"] = "2" });
        group.Skills.ShouldBe(["threshold", "anomaly"]);
        var rule = policy.FindRule("overheat").ShouldNotBeNull();
        rule.Description.ShouldBe("Too warm");
        rule.Groups.ShouldBe(["coolers"]);
        rule.Clear.ShouldBe(new CompareCondition(new MetricOperand("temperature"), CompareOp.Lt, 29.5));
        rule.ClearAction.ShouldBe("cooling-off");
        rule.Priority.ShouldBe(-7);
        rule.Gate.ShouldBe(Gate.RequireApproval);
        rule.Approval.ShouldBe(new ApprovalSpec
        {
            Role = "operator",
            Timeout = TimeSpan.FromMinutes(15),
            OnTimeout = ApprovalDefault.Approve,
            Offline = OfflineApproval.ApproveLocally,
            MaxAge = TimeSpan.FromHours(1),
        });
    }

    [Fact]
    public void Parse_ApprovalWithoutMaxAge_MaxAgeIsTheTimeout()
    {
        var policy = TestPolicies.Load(TestPolicies.Minimal + """

                gate: require_approval
                approval: { role: admin, timeout: 90s, on_timeout: deny, offline: deny }
            """);

        var approval = policy.Rules[0].Approval.ShouldNotBeNull();
        approval.MaxAge.ShouldBe(TimeSpan.FromSeconds(90));
        approval.Offline.ShouldBe(OfflineApproval.Deny);
        approval.OnTimeout.ShouldBe(ApprovalDefault.Deny);
    }

    [Theory]
    [InlineData("deny", Gate.Deny)]
    [InlineData("allow", Gate.Allow)]
    public void Parse_GateWithoutApproval_Read(string word, Gate gate) =>
        TestPolicies.Load(TestPolicies.Minimal + $"\n    gate: {word}").Rules[0].Gate.ShouldBe(gate);

    [Fact]
    public void Parse_RateLimitsAndRouting_ReadWithExactDecimals()
    {
        var policy = TestPolicies.Load(TestPolicies.Minimal + """

            rate_limits:
              - { action: cooling-on, max: 6, per: 1h }
              - { action: "*", max: 100, per: 1d }
            routing:
              max_latency: 50ms
              max_cost_per_decision: 0.002
              daily_budget: 5.00
              currency: EUR
              raw_readings_leave_site: true
            """);

        policy.RateLimits.ShouldBe([
            new RateLimit { Action = "cooling-on", Max = 6, Per = TimeSpan.FromHours(1) },
            new RateLimit { Action = "*", Max = 100, Per = TimeSpan.FromDays(1) },
        ]);
        policy.Routing.ShouldBe(new RoutingLimits
        {
            MaxLatency = TimeSpan.FromMilliseconds(50),
            MaxCostPerDecision = 0.002m,
            DailyBudget = 5.00m,
            Currency = "EUR",
            RawReadingsLeaveSite = true,
        });
    }

    [Theory]
    [InlineData("500ms", 500L)]
    [InlineData("30s", 30_000L)]
    [InlineData("15m", 900_000L)]
    [InlineData("1h", 3_600_000L)]
    [InlineData("2d", 172_800_000L)]
    public void Parse_DurationUnits_ReadAsMilliseconds(string duration, long milliseconds) =>
        TestPolicies.Load(TestPolicies.Minimal + $"\nrate_limits: [{{ action: x, max: 1, per: {duration} }}]")
            .RateLimits[0].Per.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
}
