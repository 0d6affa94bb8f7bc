using Mesh.Protocol.Crdt;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Crdt;

public sealed class CommandConflictTests
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-24T08:00:00Z").ToUnixTimeMilliseconds();

    private static MvRegister<DeviceCommand> Concurrent(DeviceCommand a, DeviceCommand b) =>
        MvRegister<DeviceCommand>.Empty.Write(a.NodeId, a).Merge(MvRegister<DeviceCommand>.Empty.Write(b.NodeId, b));

    private static DeviceCommand Command(string action, int priority, long wall, int counter, string node) =>
        new(action, "rule-" + action, priority, new HlcTimestamp(wall, counter, node), 1);

    [Fact]
    public void Resolve_HigherPriority_WinsOverLaterClock()
    {
        var verdict = CommandConflicts.Resolve("fan-1", Concurrent(
            Command("vent-open", 20, T0, 0, "edge-b"), Command("vent-close", 10, T0 + 60_000, 0, "edge-a")).Values)!;
        verdict.Winner.Action.ShouldBe("vent-open");
        verdict.Losers.ShouldHaveSingleItem().Command.Action.ShouldBe("vent-close");
        verdict.Reason.ShouldContain("priority 20 > 10");
    }

    [Fact]
    public void Resolve_EqualPriority_LaterClockWins()
    {
        var verdict = CommandConflicts.Resolve("fan-1", Concurrent(
            Command("cooling-on", 10, T0, 3, "edge-a"), Command("cooling-off", 10, T0, 4, "edge-b")).Values)!;
        verdict.Winner.NodeId.ShouldBe("edge-b");
        verdict.Reason.ShouldContain("later clock");
    }

    [Fact]
    public void Resolve_EqualPriorityAndClock_LowerNodeIdWins()
    {
        var verdict = CommandConflicts.Resolve("fan-1", Concurrent(
            Command("cooling-on", 10, T0, 0, "edge-b"), Command("cooling-off", 10, T0, 0, "edge-a")).Values)!;
        verdict.Winner.NodeId.ShouldBe("edge-a");
        verdict.Reason.ShouldContain("node id 'edge-a' < 'edge-b'");
    }

    [Fact]
    public void Resolve_ConcurrentSameAction_IsNoConflict() =>
        CommandConflicts.Resolve("fan-1", Concurrent(
            Command("cooling-on", 10, T0, 0, "edge-a"), Command("cooling-on", 5, T0 + 1, 0, "edge-b")).Values).ShouldBeNull();

    [Fact]
    public void Resolve_SequentialWrites_IsNoConflict()
    {
        var first = MvRegister<DeviceCommand>.Empty.Write("edge-a", Command("cooling-on", 10, T0, 0, "edge-a"));
        // edge-b has seen edge-a's command: its write replaces it, whatever the priorities.
        var second = first.Write("edge-b", Command("cooling-off", 1, T0 + 5, 0, "edge-b"));
        first.Merge(second).Values.ShouldHaveSingleItem().Value.Action.ShouldBe("cooling-off");
        CommandConflicts.Resolve("fan-1", first.Merge(second).Values).ShouldBeNull();
    }

    [Fact]
    public void Write_AnotherNodesAnswerToTheSameReadingSeenFirst_StaysBesideItAndTheRuleDecides()
    {
        var a = Command("fan-high", 20, T0, 0, "edge-a");
        var seenByB = MvRegister<DeviceCommand>.Empty.Write("edge-a", a);
        // edge-b answers the same reading (seq 1) after edge-a's answer reached it; it did not decide with it in mind.
        var b = Command("fan-off", 10, T0 + 5, 0, "edge-b");
        var both = seenByB.Write("edge-b", b, other => CommandConflicts.Contradicts(other, "edge-b", b.Action, b.ReadingSeq));
        both.Values.Select(v => v.Value.Action).ShouldBe(["fan-high", "fan-off"], ignoreOrder: true);
        CommandConflicts.Resolve("fan-1", both.Values)!.Winner.Action.ShouldBe("fan-high", "priority 20, though edge-b wrote last");
        // Merging with edge-a's replica keeps both on every replica.
        seenByB.Merge(both).ShouldBe(both.Merge(seenByB));
        seenByB.Merge(both).Values.Count.ShouldBe(2);

        // A command for a later reading is a newer decision: it replaces.
        var later = Command("fan-low", 1, T0 + 60_000, 0, "edge-b") with { ReadingSeq = 2 };
        both.Write("edge-b", later, other => CommandConflicts.Contradicts(other, "edge-b", later.Action, later.ReadingSeq))
            .Values.ShouldHaveSingleItem().Value.Action.ShouldBe("fan-low");
        // The same node's own earlier answer and an agreeing answer are replaced too.
        CommandConflicts.Contradicts(a, "edge-a", "fan-off", 1).ShouldBeFalse("its own");
        CommandConflicts.Contradicts(a, "edge-b", "fan-high", 1).ShouldBeFalse("the same action");
        CommandConflicts.Contradicts(a with { ReadingSeq = 0 }, "edge-b", "fan-off", 0).ShouldBeFalse("commands that answer no reading");
    }

    [Fact]
    public void Settled_RegisterCollapsedByTheLoser_GivesTheSameConflictAsTheOpenRegister()
    {
        var open = Concurrent(Command("fan-high", 10, T0 + 5, 0, "edge-a"), Command("fan-off", 20, T0, 0, "edge-b"));
        var verdict = CommandConflicts.Resolve("fan-1", open.Values)!;
        // edge-a lost: it writes the winner's action again, carrying the values it replaces.
        var settled = open.Write("edge-a", Command("fan-off", 20, T0 + 6, 0, "edge-a") with { Settles = CommandConflicts.ToSettle(open.Values) });
        CommandConflicts.Resolve("fan-1", settled.Values).ShouldBeNull("one value is no open conflict");
        // edge-b receives the settled register before (or instead of) edge-a's first command, and finds the same conflict.
        var seen = MvRegister<DeviceCommand>.Empty.Write("edge-b", Command("fan-off", 20, T0, 0, "edge-b")).Merge(settled);
        var again = CommandConflicts.Settled("fan-1", seen.Values).ShouldNotBeNull();
        again.Id.ShouldBe(verdict.Id);
        again.Winner.ShouldBe(verdict.Winner);
        again.Reason.ShouldBe(verdict.Reason);
        again.Losers.Select(l => l.Command).ShouldBe(verdict.Losers.Select(l => l.Command));
        // An ordinary register (no settlement) names no conflict.
        CommandConflicts.Settled("fan-1", MvRegister<DeviceCommand>.Empty.Write("edge-b", Command("fan-off", 20, T0, 0, "edge-b")).Values).ShouldBeNull();
    }

    [Fact]
    public void LwwRegister_WriterWithClockFiveMinutesBehind_WinsAfterObservingTheValue()
    {
        var ahead = new HybridLogicalClock("edge-a", new FixedTime(T0 + 300_000));
        var behind = new HybridLogicalClock("edge-b", new FixedTime(T0));
        var register = new LwwRegister<string>("auto", ahead.Now());
        // edge-b took over the device and read the register: its clock observes the stamp.
        behind.Observe(register.Stamp);
        var updated = register.Write("maintenance", behind.Now());
        updated.Value.ShouldBe("maintenance");
        register.Merge(updated).ShouldBe(updated.Merge(register));
        // Without observing, the write of the lagging clock is ordered before the value it meant to replace.
        var blind = new HybridLogicalClock("edge-c", new FixedTime(T0));
        register.Write("eco", blind.Now()).Value.ShouldBe("auto");
    }

    private sealed class FixedTime(long ms) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}
