using Mesh.Node.Decisions;
using Mesh.Node.Tests.Support;

namespace Mesh.Node.Tests.Decisions;

/// <summary>Rules switch on and off once per crossing, per device.</summary>
public sealed class EdgeTriggerTests
{
    private static readonly string Hysteresis = TestPolicies.WithRules("""
          - id: overheat
            when: { metric: temperature, gt: 30 }
            clear: { metric: temperature, lt: 29 }
            action: cooling-on
            clear_action: cooling-off
        """);

    private static readonly string DefaultClear = TestPolicies.WithRules("""
          - id: overheat
            when: { metric: temperature, gt: 30 }
            action: cooling-on
            clear_action: cooling-off
        """);

    [Fact]
    public void ExplicitClear_CrossingsWithHysteresis_OneActionPerSwitch()
    {
        var run = new DeviceRun(TestPolicies.For(Hysteresis));
        var temperatures = new[] { 25, 31, 32, 30, 29.5, 29, 28.9, 28, 30.5, 31 };

        var proposed = temperatures.Select((t, i) => run.Proposed(i, ("temperature", t))).ToList();

        proposed.ShouldBe(["", "cooling-on:Allowed", "", "", "", "", "cooling-off:Allowed", "", "cooling-on:Allowed", ""]);
        run.State.ActiveRules.ShouldBe(["overheat"]);
    }

    [Fact]
    public void DefaultClear_WhenNoLongerTrue_SwitchesOff()
    {
        var run = new DeviceRun(TestPolicies.For(DefaultClear));
        var temperatures = new[] { 31, 32, 30, 30.1, 29 };

        var proposed = temperatures.Select((t, i) => run.Proposed(i, ("temperature", t))).ToList();

        proposed.ShouldBe(["cooling-on:Allowed", "", "cooling-off:Allowed", "cooling-on:Allowed", "cooling-off:Allowed"]);
    }

    [Fact]
    public void DefaultClear_MetricMissing_DoesNotSwitchOff()
    {
        var run = new DeviceRun(TestPolicies.For(DefaultClear));
        run.Proposed(0, ("temperature", 31)).ShouldBe("cooling-on:Allowed");

        run.Proposed(1, ("humidity", 50)).ShouldBe("", "an unknown condition never clears an alarm");
        run.State.ActiveRules.ShouldContain("overheat");
        run.Proposed(2, ("temperature", 20)).ShouldBe("cooling-off:Allowed");
    }

    [Fact]
    public void ClearWithoutClearAction_SwitchesOffWithNoAction()
    {
        var run = new DeviceRun(TestPolicies.For(TestPolicies.OneRule("{ metric: temperature, gt: 30 }")));

        run.Proposed(0, ("temperature", 31)).ShouldBe("act:Allowed");
        var off = run.Feed(1, ("temperature", 20)).Fired.ShouldHaveSingleItem();

        off.Gate.ShouldBe(GateOutcome.NoAction);
        off.Active.ShouldBeFalse();
        off.Sends.ShouldBeFalse();
        run.State.ActiveRules.ShouldBeEmpty();
    }

    [Fact]
    public void Devices_RuleOnForOne_IsStillOffForAnother()
    {
        var policy = TestPolicies.Active(Hysteresis);
        var a = new DeviceRun(policy.For("dev-a"), "dev-a");
        var b = new DeviceRun(policy.For("dev-b"), "dev-b");

        a.Proposed(0, ("temperature", 31)).ShouldBe("cooling-on:Allowed");
        b.Proposed(0, ("temperature", 31)).ShouldBe("cooling-on:Allowed");
        a.Proposed(1, ("temperature", 20)).ShouldBe("cooling-off:Allowed");
        b.Proposed(1, ("temperature", 31)).ShouldBe("");
    }
}
