using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

public class PolicyDiffTests
{
    private const string Base = """
        site: demo
        version: 1
        groups:
          - id: coolers
            devices: ["cooler-*"]
            skills: [threshold]
          - id: doors
            devices: ["door-*"]
        rules:
          - id: overheat
            groups: [coolers]
            when: { metric: temperature, gt: 30 }
            clear: { metric: temperature, lt: 29 }
            action: cooling-on
            clear_action: cooling-off
          - id: door-open
            groups: [doors]
            when: { metric: open, eq: 1 }
            action: alert
        rate_limits:
          - { action: cooling-on, max: 6, per: 1h }
        routing:
          daily_budget: 5.00
        """;

    [Fact]
    public void Compare_SamePolicyReformatted_NoChanges()
    {
        var old = TestPolicies.Load(Base);
        var reformatted = TestPolicies.Load("# a comment\n" + Base.Replace("daily_budget: 5.00", "daily_budget: 5.0", StringComparison.Ordinal));

        var diff = PolicyDiff.Compare(old, reformatted);

        diff.HasChanges.ShouldBeFalse();
        diff.Lines().ShouldBe([$"policy demo: {old.Ref} -> {reformatted.Ref}", "no semantic changes (only comments or formatting differ)"]);
    }

    [Fact]
    public void Compare_RuleAddedRemovedAndChanged_ListedById()
    {
        var old = TestPolicies.Load(Base);
        var changed = TestPolicies.Load(Base
            .Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("gt: 30", "gt: 31", StringComparison.Ordinal)
            .Replace("    clear_action: cooling-off", "    priority: 5\n    gate: deny", StringComparison.Ordinal)
            .Replace("  - id: door-open", "  - id: door-held", StringComparison.Ordinal));

        var diff = PolicyDiff.Compare(old, changed);

        diff.Policy.ShouldBe([new PolicyFieldChange("version", "1", "2")]);
        diff.RulesAdded.ShouldBe(["door-held"]);
        diff.RulesRemoved.ShouldBe(["door-open"]);
        var rule = diff.RulesChanged.ShouldHaveSingleItem();
        rule.Id.ShouldBe("overheat");
        rule.Fields.Select(f => f.Field).ShouldBe(["when", "clear_action", "priority", "gate"]);
        rule.Fields[0].ShouldBe(new PolicyFieldChange("when", "temperature > 30", "temperature > 31"));
        rule.Fields[1].ShouldBe(new PolicyFieldChange("clear_action", "cooling-off", "(none)"));
        diff.GroupsChanged.ShouldBeEmpty();
        diff.HasChanges.ShouldBeTrue();
    }

    [Fact]
    public void Compare_ApprovalAdded_ApprovalAndGateChanged()
    {
        var old = TestPolicies.Load(Base);
        var gated = TestPolicies.Load(Base.Replace(
            "    clear_action: cooling-off",
            "    clear_action: cooling-off\n    gate: require_approval\n    approval: { role: operator, timeout: 15m, on_timeout: deny, offline: defer }",
            StringComparison.Ordinal));

        var rule = PolicyDiff.Compare(old, gated).RulesChanged.ShouldHaveSingleItem();

        rule.Fields.ShouldBe([
            new PolicyFieldChange("gate", "allow", "require_approval"),
            new PolicyFieldChange("approval", "(none)", "role operator, timeout 15m, on_timeout deny, offline defer, max_age 15m"),
        ]);
    }

    [Fact]
    public void Compare_GroupsLimitsAndRouting_EachChangeListed()
    {
        var old = TestPolicies.Load(Base);
        var changed = TestPolicies.Load(Base
            .Replace("devices: [\"cooler-*\"]", "devices: [\"cooler-*\", \"fridge-*\"]", StringComparison.Ordinal)
            .Replace("  - id: doors\n    devices: [\"door-*\"]", "  - id: doors\n    devices: [\"door-*\"]\n  - id: fans", StringComparison.Ordinal)
            .Replace("max: 6", "max: 4", StringComparison.Ordinal)
            .Replace("daily_budget: 5.00", "daily_budget: 7.5\n  currency: EUR", StringComparison.Ordinal));

        var diff = PolicyDiff.Compare(old, changed);

        diff.GroupsAdded.ShouldBe(["fans"]);
        diff.GroupsRemoved.ShouldBeEmpty();
        diff.GroupsChanged.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            g => g.Id.ShouldBe("coolers"),
            g => g.Fields.ShouldBe([new PolicyFieldChange("devices", "[cooler-*]", "[cooler-*, fridge-*]")]));
        diff.RateLimitsAdded.ShouldBe(["cooling-on: at most 4 per 1h"]);
        diff.RateLimitsRemoved.ShouldBe(["cooling-on: at most 6 per 1h"]);
        diff.RoutingChanged.ShouldBe([
            new PolicyFieldChange("daily_budget", "5.00", "7.5"),
            new PolicyFieldChange("currency", "USD", "EUR"),
        ]);
        diff.Lines().Skip(1).ShouldBe([
            "+ group fans",
            "~ group coolers: devices: [cooler-*] -> [cooler-*, fridge-*]",
            "+ rate limit cooling-on: at most 4 per 1h",
            "- rate limit cooling-on: at most 6 per 1h",
            "~ routing: daily_budget: 5.00 -> 7.5",
            "~ routing: currency: USD -> EUR",
        ]);
    }

    [Fact]
    public void Compare_RulesReordered_NoChanges()
    {
        var old = TestPolicies.Load(TestPolicies.Minimal + "\n  - id: second\n    when: { metric: t, lt: 1 }\n    action: x");
        var reordered = TestPolicies.Load(TestPolicies.Minimal.Replace("rules:", "rules:\n  - id: second\n    when: { metric: t, lt: 1 }\n    action: x", StringComparison.Ordinal));

        PolicyDiff.Compare(old, reordered).HasChanges.ShouldBeFalse();
    }

    [Fact]
    public void Compare_Reversed_AddedAndRemovedSwap()
    {
        var old = TestPolicies.Load(Base);
        var smaller = TestPolicies.Load(Base[..Base.IndexOf("  - id: door-open", StringComparison.Ordinal)]);

        PolicyDiff.Compare(old, smaller).RulesRemoved.ShouldBe(["door-open"]);
        PolicyDiff.Compare(smaller, old).RulesAdded.ShouldBe(["door-open"]);
        PolicyDiff.Compare(smaller, old).ToString().ShouldContain("\n+ rule door-open");
    }
}
