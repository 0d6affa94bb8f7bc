using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Time;

public class HlcTimestampTests
{
    [Fact]
    public void CompareTo_DifferentWall_WallDecidesOverCounterAndNode()
    {
        var earlier = new HlcTimestamp(1000, 99, "z");
        var later = new HlcTimestamp(1001, 0, "a");

        earlier.CompareTo(later).ShouldBeLessThan(0);
        (earlier < later).ShouldBeTrue();
        (later > earlier).ShouldBeTrue();
    }

    [Fact]
    public void CompareTo_SameWall_CounterDecidesOverNode()
    {
        var lower = new HlcTimestamp(1000, 1, "z");
        var higher = new HlcTimestamp(1000, 2, "a");

        (lower < higher).ShouldBeTrue();
        (higher >= lower).ShouldBeTrue();
    }

    [Fact]
    public void CompareTo_SameWallAndCounter_NodeIdOrdinalDecides()
    {
        // Ordinal: 'B' (0x42) sorts before 'a' (0x61); a culture-aware compare would say otherwise.
        var upper = new HlcTimestamp(1000, 1, "node-B");
        var lower = new HlcTimestamp(1000, 1, "node-a");

        (upper < lower).ShouldBeTrue();
        upper.CompareTo(lower).ShouldBeLessThan(0);
        lower.CompareTo(upper).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void CompareTo_Equal_IsZeroAndEqual()
    {
        var a = new HlcTimestamp(1000, 1, "node-a");
        var b = new HlcTimestamp(1000, 1, "node-a");

        a.CompareTo(b).ShouldBe(0);
        (a <= b && a >= b).ShouldBeTrue();
        (a < b || a > b).ShouldBeFalse();
        a.ShouldBe(b);
    }

    [Fact]
    public void Sort_MixedStamps_OrdersByWallThenCounterThenNode()
    {
        var stamps = new[]
        {
            new HlcTimestamp(2000, 0, "a"),
            new HlcTimestamp(1000, 1, "b"),
            new HlcTimestamp(1000, 1, "a"),
            new HlcTimestamp(1000, 0, "c"),
        };

        var sorted = stamps.Order().ToArray();

        sorted.ShouldBe(new[]
        {
            new HlcTimestamp(1000, 0, "c"),
            new HlcTimestamp(1000, 1, "a"),
            new HlcTimestamp(1000, 1, "b"),
            new HlcTimestamp(2000, 0, "a"),
        });
    }

    [Fact]
    public void ToString_Stamp_IsIsoUtcCounterAndNode()
    {
        var stamp = new HlcTimestamp(new DateTimeOffset(2026, 11, 23, 19, 0, 0, 5, TimeSpan.Zero).ToUnixTimeMilliseconds(), 3, "node-a");

        stamp.ToString().ShouldBe("2026-11-23T19:00:00.005Z#3@node-a");
    }
}
