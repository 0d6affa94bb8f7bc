using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Protocol;

namespace Mesh.Node.Tests.Decisions;

public sealed class DecisionCoreTests
{
    private static readonly IReadOnlyList<ThresholdRule> Rules = [ThresholdRule.DefaultCooling];

    private static Observation Reading(long seq, double temperature) =>
        new(new SiteId("s"), new DeviceId("d"), seq, DateTimeOffset.UnixEpoch.AddSeconds(seq), [new Metric("temperature", temperature)]);

    [Fact]
    public void Decide_TemperatureAboveLimit_FiresCoolingOn()
    {
        var d = DecisionCore.Decide(DeviceState.Empty, Reading(1, 31.5), Rules, "00");

        d.Outcome.ShouldBe(DecisionOutcome.Accepted);
        var fired = d.Event.ShouldNotBeNull().Fired.ShouldHaveSingleItem();
        fired.Action.ShouldBe("cooling-on");
        fired.Active.ShouldBeTrue();
        fired.Reason.ShouldBe("temperature 31.5 > 30");
    }

    [Fact]
    public void Decide_AlreadyCooling_DoesNotFireAgainUntilBelowHysteresis()
    {
        var state = DeviceState.Empty;
        var window = 8;
        foreach (var (seq, t) in new[] { (1L, 31.0), (2L, 32.0), (3L, 29.5) })
        {
            var d = DecisionCore.Decide(state, Reading(seq, t), Rules, "00");
            if (seq > 1)
                d.Event!.Fired.ShouldBeEmpty($"reading {seq} at {t} must not change the rule");
            state = state.Apply(d.Event!, window);
        }

        var off = DecisionCore.Decide(state, Reading(4, 28.9), Rules, "00");

        var fired = off.Event.ShouldNotBeNull().Fired.ShouldHaveSingleItem();
        fired.Action.ShouldBe("cooling-off");
        fired.Active.ShouldBeFalse();
    }

    [Fact]
    public void Decide_SeenSequence_IsDuplicateWithoutEvent()
    {
        var first = DecisionCore.Decide(DeviceState.Empty, Reading(5, 20), Rules, "00");
        var state = DeviceState.Empty.Apply(first.Event!, 8);

        DecisionCore.Decide(state, Reading(5, 35), Rules, "00").ShouldBe(new Decision(DecisionOutcome.Duplicate, null));
        DecisionCore.Decide(state, Reading(4, 35), Rules, "00").Outcome.ShouldBe(DecisionOutcome.Duplicate);
    }

    [Fact]
    public void Decide_SameInputs_SameDecision()
    {
        var a = DecisionCore.Decide(DeviceState.Empty, Reading(9, 33.25), Rules, "ab");
        var b = DecisionCore.Decide(DeviceState.Empty, Reading(9, 33.25), Rules, "ab");

        a.Event.ShouldBe(b.Event);
    }

    [Fact]
    public void Apply_KeepsOnlyTheRedeliveryWindow()
    {
        var state = DeviceState.Empty;
        for (var seq = 1; seq <= 10; seq++)
            state = state.Apply(DecisionCore.Decide(state, Reading(seq, 20), Rules, "00").Event!, 3);

        state.LastSeq.ShouldBe(10);
        state.RecentCount.ShouldBe(3);
        state.FindRecent(8).ShouldNotBeNull();
        state.FindRecent(7).ShouldBeNull();
    }
}
