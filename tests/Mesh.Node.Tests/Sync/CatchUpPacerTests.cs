using Mesh.Node.Sync;

namespace Mesh.Node.Tests.Sync;

public sealed class CatchUpPacerTests
{
    private readonly SteppedClock _time = new();

    [Fact]
    public void Reserve_BatchesFasterThanTheRate_WaitsEachBatchItsShareOfASecond()
    {
        var pacer = new CatchUpPacer(1000, _time);

        pacer.Reserve(500).ShouldBe(TimeSpan.Zero, "the first batch goes at once");
        pacer.Reserve(500).ShouldBe(TimeSpan.FromMilliseconds(500));
        pacer.Reserve(500).ShouldBe(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        pacer.Reserve(500).ShouldBe(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void Reserve_AfterAnIdlePause_DoesNotBankCredit()
    {
        var pacer = new CatchUpPacer(1000, _time);
        pacer.Reserve(500);
        _time.Advance(TimeSpan.FromMinutes(1));

        pacer.Reserve(500).ShouldBe(TimeSpan.Zero);
        pacer.Reserve(500).ShouldBe(TimeSpan.FromMilliseconds(500), "an idle minute is no licence for a burst");
    }

    [Fact]
    public void Reserve_Unlimited_NeverWaits()
    {
        var pacer = new CatchUpPacer(0, _time);

        Enumerable.Range(0, 100).Select(_ => pacer.Reserve(1000)).ShouldAllBe(w => w == TimeSpan.Zero);
    }

    /// <summary>A monotonic clock (the pacer's) that moves only when told.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
