using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Time;

public class HybridLogicalClockTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 19, 0, 0, TimeSpan.Zero);
    private static readonly long T0Millis = T0.ToUnixTimeMilliseconds();

    private readonly ManualTimeProvider _time = new(T0);

    private HybridLogicalClock NewClock(string node = "node-a") => new(node, _time);

    [Fact]
    public void Now_RepeatedWithinOneMillisecond_StrictlyIncreases()
    {
        var clock = NewClock();

        var stamps = Enumerable.Range(0, 1000).Select(_ => clock.Now()).ToList();

        for (var i = 1; i < stamps.Count; i++)
            stamps[i].ShouldBeGreaterThan(stamps[i - 1]);
        stamps.ShouldAllBe(s => s.WallMillis == T0Millis);
        stamps[0].Counter.ShouldBe(0);
        stamps[^1].Counter.ShouldBe(999);
        clock.Last.ShouldBe(stamps[^1]);
    }

    [Fact]
    public void Now_PhysicalTimeAdvances_UsesItAndResetsCounter()
    {
        var clock = NewClock();
        clock.Now();
        clock.Now();

        _time.Advance(TimeSpan.FromMilliseconds(5));
        var stamp = clock.Now();

        stamp.ShouldBe(new HlcTimestamp(T0Millis + 5, 0, "node-a"));
    }

    [Fact]
    public void Now_WallClockStepsBackMinutes_StaysMonotonicOnTheHighWaterMark()
    {
        var clock = NewClock();
        var before = clock.Now();

        _time.Advance(TimeSpan.FromMinutes(-7));
        var after = Enumerable.Range(0, 10).Select(_ => clock.Now()).ToList();

        after[0].ShouldBeGreaterThan(before);
        after.ShouldAllBe(s => s.WallMillis == before.WallMillis);
        after.Select(s => s.Counter).ShouldBe(Enumerable.Range(before.Counter + 1, 10));
    }

    [Fact]
    public void Now_PhysicalTimePassesHighWaterMarkAgain_ResumesPhysicalTime()
    {
        var clock = NewClock();
        var highWater = clock.Now();
        _time.Advance(TimeSpan.FromMinutes(-7));
        var held = clock.Now();

        _time.Set(T0.AddMilliseconds(1));
        var resumed = clock.Now();

        held.WallMillis.ShouldBe(highWater.WallMillis);
        resumed.ShouldBe(new HlcTimestamp(T0Millis + 1, 0, "node-a"));
        resumed.ShouldBeGreaterThan(held);
    }

    [Fact]
    public void Now_BackAtExactlyTheHighWaterMark_StillAdvancesCounter()
    {
        var clock = NewClock();
        clock.Now();
        _time.Advance(TimeSpan.FromSeconds(-1));
        var held = clock.Now();

        _time.Set(T0);
        var stamp = clock.Now();

        stamp.ShouldBe(new HlcTimestamp(T0Millis, held.Counter + 1, "node-a"));
    }

    [Fact]
    public void Observe_RemoteAhead_JumpsPastRemote()
    {
        var clock = NewClock();
        clock.Now();
        var remote = new HlcTimestamp(T0Millis + 10_000, 7, "node-b");

        var received = clock.Observe(remote);
        var next = clock.Now();

        received.ShouldBe(new HlcTimestamp(remote.WallMillis, 8, "node-a"));
        received.ShouldBeGreaterThan(remote);
        next.ShouldBe(new HlcTimestamp(remote.WallMillis, 9, "node-a"));
    }

    [Fact]
    public void Observe_RemoteBehind_KeepsLocalTimeAndAdvances()
    {
        var clock = NewClock();
        var local = clock.Now();

        var received = clock.Observe(new HlcTimestamp(T0Millis - 60_000, 42, "node-b"));

        received.ShouldBe(new HlcTimestamp(T0Millis, local.Counter + 1, "node-a"));
    }

    [Fact]
    public void Observe_RemoteAtSameWallTime_TakesTheLargerCounterPlusOne()
    {
        var clock = NewClock();
        clock.Now();

        var received = clock.Observe(new HlcTimestamp(T0Millis, 5, "node-b"));

        received.ShouldBe(new HlcTimestamp(T0Millis, 6, "node-a"));
    }

    [Fact]
    public void Observe_PhysicalTimeAheadOfBoth_UsesPhysicalTimeWithCounterZero()
    {
        var clock = NewClock();
        clock.Now();
        _time.Advance(TimeSpan.FromSeconds(1));

        var received = clock.Observe(new HlcTimestamp(T0Millis + 500, 3, "node-b"));

        received.ShouldBe(new HlcTimestamp(T0Millis + 1000, 0, "node-a"));
    }

    [Fact]
    public void Restore_AfterRestartWithClockBehind_StampsStayAboveLast()
    {
        var beforeRestart = NewClock();
        _time.Advance(TimeSpan.FromHours(1));
        beforeRestart.Now();
        var last = beforeRestart.Now();
        _time.Set(T0); // the box reboots with its wall clock an hour behind

        var clock = NewClock();
        clock.Restore(last);
        var first = clock.Now();

        clock.Last.ShouldBe(first);
        first.ShouldBeGreaterThan(last);
        first.ShouldBe(new HlcTimestamp(last.WallMillis, last.Counter + 1, "node-a"));
    }

    [Fact]
    public void Restore_OlderThanCurrent_DoesNotMoveTheClockBack()
    {
        var clock = NewClock();
        clock.Now();
        var current = clock.Now();

        clock.Restore(new HlcTimestamp(T0Millis - 1, 99, "node-a"));
        clock.Restore(new HlcTimestamp(T0Millis, 0, "node-a"));

        clock.Last.ShouldBe(current);
        clock.Now().ShouldBeGreaterThan(current);
    }

    [Fact]
    public void Now_ConcurrentCallers_NeverGetTheSameStamp()
    {
        var clock = NewClock();
        var perThread = new List<HlcTimestamp>[4];

        Parallel.For(0, perThread.Length, t =>
        {
            var mine = new List<HlcTimestamp>(5000);
            for (var i = 0; i < 5000; i++)
                mine.Add(clock.Now());
            perThread[t] = mine;
        });

        var all = perThread.SelectMany(s => s).ToList();
        all.Distinct().Count().ShouldBe(20_000);
        foreach (var stamps in perThread)
            stamps.ShouldBeInOrder(SortDirection.Ascending);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Constructor_EmptyNodeId_Throws(string? node)
    {
        Should.Throw<ArgumentException>(() => new HybridLogicalClock(node!, _time));
    }

    [Fact]
    public void Now_Stamps_CarryTheClocksNodeId()
    {
        var clock = NewClock("node-z");

        clock.Now().NodeId.ShouldBe("node-z");
        clock.NodeId.ShouldBe("node-z");
    }
}
