using Mesh.Node.Agents;
using Mesh.Node.Tests.Support;

namespace Mesh.Node.Tests.Decisions;

/// <summary><c>count</c> conditions: readings counted by their own timestamps, kept in the device state.</summary>
public sealed class CountWindowTests
{
    /// <summary>Three readings above 31.5 within 30 s; clears below 28.</summary>
    private static string Policy(long version = 1, string otherRule = "") => TestPolicies.WithRules($"""
          - id: heat-alarm
            when:
              count: {"{"} metric: temperature, gt: 31.5 {"}"}
              within: 30s
              at_least: 3
            clear: {"{"} metric: temperature, lt: 28 {"}"}
            action: vent-open
        {otherRule}
        """, version: version);

    private static DeviceRun Run() => new(TestPolicies.For(Policy()));

    [Fact]
    public void Count_ThirdMatchingReadingWithinWindow_Fires()
    {
        var run = Run();

        run.Proposed(0, ("temperature", 32)).ShouldBe("");
        run.Proposed(10, ("temperature", 33)).ShouldBe("");
        run.Proposed(20, ("temperature", 34)).ShouldBe("vent-open:Allowed");
    }

    [Fact]
    public void Count_NonMatchingReadingsBetween_DoNotResetTheWindow()
    {
        var run = Run();

        run.Proposed(0, ("temperature", 32)).ShouldBe("");
        run.Proposed(5, ("temperature", 30)).ShouldBe("");
        run.Proposed(10, ("temperature", 32)).ShouldBe("");
        run.Proposed(15, ("humidity", 40)).ShouldBe("");
        run.Proposed(20, ("temperature", 32)).ShouldBe("vent-open:Allowed");
    }

    [Fact]
    public void Count_MatchingReadingsSpreadWiderThanWindow_DoNotFire()
    {
        var run = Run();

        run.Proposed(0, ("temperature", 32)).ShouldBe("");
        run.Proposed(20, ("temperature", 32)).ShouldBe("");
        run.Proposed(40, ("temperature", 32)).ShouldBe("", "the reading at 0 s is out of the 30 s window at 40 s");
        run.Proposed(45, ("temperature", 32)).ShouldBe("vent-open:Allowed");
    }

    [Fact]
    public void Count_ByReadingTimestamps_NotByArrival()
    {
        // Three readings decided in quick succession, but their own timestamps are a minute apart.
        var run = Run();

        run.Proposed(0, ("temperature", 32)).ShouldBe("");
        run.Proposed(60, ("temperature", 32)).ShouldBe("");
        run.Proposed(120, ("temperature", 32)).ShouldBe("");
    }

    [Fact]
    public void Count_OnceOn_DoesNotFireAgainUntilCleared()
    {
        var run = Run();
        for (var i = 0; i < 3; i++)
            run.Feed(i, ("temperature", 32));

        run.Proposed(3, ("temperature", 33)).ShouldBe("");
        run.Proposed(4, ("temperature", 27)).ShouldBe("-:NoAction");
    }

    [Fact]
    public void Count_ClearHoldsWhileWindowStillFull_DoesNotSwitchOnAgain()
    {
        var run = Run();
        for (var i = 0; i < 3; i++)
            run.Feed(i, ("temperature", 32));
        run.Feed(3, ("temperature", 27)).Fired.ShouldHaveSingleItem().Active.ShouldBeFalse();

        run.Proposed(4, ("temperature", 27.5)).ShouldBe("", "the window still holds three hot readings, but clear holds");
        run.State.ActiveRules.ShouldBeEmpty();
    }

    [Fact]
    public void Window_SurvivesApplyAndSnapshot_DropsOnlyExpiredEntries()
    {
        var run = Run();
        run.Feed(0, ("temperature", 32));
        run.Feed(10, ("temperature", 32));
        var key = run.State.Windows.Keys.ShouldHaveSingleItem();
        run.State.Windows[key].Count.ShouldBe(2);

        run.State = DeviceSnapshot.From(run.State, 0).ToState();
        run.Proposed(35, ("temperature", 32)).ShouldBe("", "the reading at 0 s left the window; the one at 10 s is still in it");
        run.State.Windows[key].Select(ms => ms - DeviceRun.T0.ToUnixTimeMilliseconds()).ShouldBe([10_000L, 35_000L]);
        run.Proposed(36, ("temperature", 32)).ShouldBe("vent-open:Allowed");
    }

    [Fact]
    public void Window_PolicyChangeKeepingTheCondition_KeepsTheCount()
    {
        var run = Run();
        run.Feed(0, ("temperature", 32));
        run.Feed(1, ("temperature", 32));

        run.Policy = TestPolicies.For(Policy(2, """
              - id: other
                when: { metric: humidity, gt: 90 }
                action: fan-on
            """));

        run.Proposed(2, ("temperature", 32)).ShouldBe("vent-open:Allowed");
    }

    [Fact]
    public void Count_DeviceClockStepsBack_CountsOnlyReadingsWithinTheWindowOfThisTimestamp()
    {
        // Within 30 s, at least 3. The device's clock steps back from 100 s to 10 s after a reading.
        var run = Run();
        run.Proposed(90, ("temperature", 32)).ShouldBe("");
        run.Proposed(100, ("temperature", 32)).ShouldBe("");

        run.Proposed(10, ("temperature", 32)).ShouldBe("", "the readings at 90 s and 100 s are not within 30 s of 10 s");
        run.Proposed(20, ("temperature", 32)).ShouldBe("");
        run.Proposed(105, ("temperature", 32)).ShouldBe("vent-open:Allowed", "90 s, 100 s and 105 s lie within 30 s of 105 s");
    }
}
