using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol;

namespace Mesh.Node.Tests.Decisions;

/// <summary>The decision core under the built-in policy (the default cooling rule of <c>Node:Rules</c>).</summary>
public sealed class DecisionCoreTests
{
    private static readonly DevicePolicy Cooling =
        new ActivePolicy(BuiltInPolicy.For("s", [ThresholdRule.DefaultCooling]), PolicySource.BuiltIn).For("d");

    private static Observation Reading(long seq, double temperature) =>
        new(new SiteId("s"), new DeviceId("d"), seq, DateTimeOffset.UnixEpoch.AddSeconds(seq), [new Metric("temperature", temperature)]);

    private static Decision Decide(DeviceState state, Observation observation, string digest = "00") =>
        DecisionCore.Decide(state, observation, Cooling, InferenceResults.None, digest);

    [Fact]
    public void Decide_TemperatureAboveLimit_FiresCoolingOn()
    {
        var d = Decide(DeviceState.Empty, Reading(1, 31.5));

        d.Outcome.ShouldBe(DecisionOutcome.Accepted);
        var fired = d.Event.ShouldNotBeNull().Fired.ShouldHaveSingleItem();
        fired.Action.ShouldBe("cooling-on");
        fired.Active.ShouldBeTrue();
        fired.Gate.ShouldBe(GateOutcome.Allowed);
        fired.Sends.ShouldBeTrue();
        fired.Reason.ShouldBe("temperature > 30 (was 31.5)");
        d.Event.PolicyRef.ShouldBe(Cooling.PolicyRef);
    }

    [Fact]
    public void Decide_AlreadyCooling_DoesNotFireAgainUntilBelowHysteresis()
    {
        var state = DeviceState.Empty;
        var window = 8;
        foreach (var (seq, t) in new[] { (1L, 31.0), (2L, 32.0), (3L, 29.5) })
        {
            var d = Decide(state, Reading(seq, t));
            if (seq > 1)
                d.Event!.Fired.ShouldBeEmpty($"reading {seq} at {t} must not change the rule");
            state = state.Apply(d.Event!, window);
        }

        var off = Decide(state, Reading(4, 28.9));

        var fired = off.Event.ShouldNotBeNull().Fired.ShouldHaveSingleItem();
        fired.Action.ShouldBe("cooling-off");
        fired.Active.ShouldBeFalse();
    }

    [Fact]
    public void Decide_SeenSequence_IsDuplicateWithoutEvent()
    {
        var first = Decide(DeviceState.Empty, Reading(5, 20));
        var state = DeviceState.Empty.Apply(first.Event!, 8);

        Decide(state, Reading(5, 35)).ShouldBe(new Decision(DecisionOutcome.Duplicate, null));
        Decide(state, Reading(4, 35)).Outcome.ShouldBe(DecisionOutcome.Duplicate);
    }

    [Fact]
    public void Decide_SameInputs_SameDecision()
    {
        var a = Decide(DeviceState.Empty, Reading(9, 33.25), "ab");
        var b = Decide(DeviceState.Empty, Reading(9, 33.25), "ab");

        a.Event.ShouldBe(b.Event);
    }

    [Fact]
    public void Apply_KeepsOnlyTheRedeliveryWindow()
    {
        var state = DeviceState.Empty;
        for (var seq = 1; seq <= 10; seq++)
            state = state.Apply(Decide(state, Reading(seq, 20)).Event!, 3);

        state.LastSeq.ShouldBe(10);
        state.RecentCount.ShouldBe(3);
        state.FindRecent(8).ShouldNotBeNull();
        state.FindRecent(7).ShouldBeNull();
    }
}
