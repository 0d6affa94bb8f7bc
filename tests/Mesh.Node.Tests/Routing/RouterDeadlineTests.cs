using Mesh.Node.Routing;

namespace Mesh.Node.Tests.Routing;

/// <summary>Deadlines: the cheapest target that is fast enough, else degraded; max latency caps the deadline.</summary>
public sealed class RouterDeadlineTests
{
    // local/CPU: prior p99 40 ms, free. cloud/gpu-1: 2 ms + 10 ms round trip, 0.001 USD.
    private static readonly RouteCandidate SlowCheap = Routes.Local("CPU", p99: 40);
    private static readonly RouteCandidate FastDear = Routes.Cloud(p99: 2, rtt: 10, cost: 0.001);

    [Theory]
    [InlineData(100, "local/CPU")]
    [InlineData(40, "local/CPU")]
    [InlineData(39.9, "cloud/gpu-1")]
    [InlineData(12, "cloud/gpu-1")]
    [InlineData(11.9, null)]
    public void Choose_Deadline_CheapestThatMeetsItWins(double deadlineMs, string? winner)
    {
        var d = Routes.Choose(deadlineMs, Routes.CloudAllowed, SlowCheap, FastDear);

        d.WinnerId().ShouldBe(winner);
        d.Degraded.ShouldBe(winner is null);
    }

    [Fact]
    public void Choose_SlowCheapMissesDeadline_VerdictExplainsPrediction()
    {
        var d = Routes.Choose(20, Routes.CloudAllowed, SlowCheap, FastDear);

        var v = d.Of("local/CPU");
        v.Verdict.ShouldBe(Verdict.MissesDeadline);
        v.PredictedMs.ShouldBe(40);
        v.Why.ShouldStartWith("predicted 40.0 ms > deadline 20 ms");
        d.Of("cloud/gpu-1").Why.ShouldBe("predicted 12.0 ms ≤ 20 ms, cost 0.001000 USD: cheapest");
    }

    [Fact]
    public void Choose_NothingMeetsDeadline_DegradedWithFallbackListedLast()
    {
        var d = Routes.Choose(5, Routes.CloudAllowed, SlowCheap, FastDear);

        d.Degraded.ShouldBeTrue();
        d.Winner.ShouldBeNull();
        d.Chosen.ShouldBe(RouteTarget.Deterministic);
        d.Verdicts.Count.ShouldBe(3);
        d.Verdicts[0].Verdict.ShouldBe(Verdict.MissesDeadline);
        d.Verdicts[1].Verdict.ShouldBe(Verdict.MissesDeadline);
        d.Verdicts[2].Verdict.ShouldBe(Verdict.Fallback);
        d.Verdicts[2].TargetId.ShouldBe("deterministic");
        d.Verdicts[2].Why.ShouldBe("no target qualified");
    }

    [Fact]
    public void Choose_NoCandidates_Degraded()
    {
        var d = Routes.Choose(50, RouteLimits.None);

        d.Degraded.ShouldBeTrue();
        d.Verdicts.Count.ShouldBe(1);
        d.Reasons().ShouldBe(["degraded: no target qualified; deterministic skill bands decided"]);
    }

    [Theory]
    [InlineData(100, 20, 20)]
    [InlineData(15, 20, 15)]
    [InlineData(100, null, 100)]
    public void Choose_MaxLatency_CapsTheDeadline(double taskMs, int? maxLatencyMs, double effectiveMs)
    {
        var limits = Routes.CloudAllowed with { MaxLatency = maxLatencyMs is { } m ? TimeSpan.FromMilliseconds(m) : null };

        var d = Routes.Choose(taskMs, limits, SlowCheap, FastDear);

        d.EffectiveDeadline.ShouldBe(TimeSpan.FromMilliseconds(effectiveMs));
        d.WinnerId().ShouldBe(effectiveMs >= 40 ? "local/CPU" : effectiveMs >= 12 ? "cloud/gpu-1" : null);
    }

    [Fact]
    public void Choose_SameInputsTwice_SameDecision()
    {
        var live = Routes.Live();
        live.Measure("local/CPU", 30, 31, 29);

        var a = Routes.Choose(35, Routes.CloudAllowed, live, 0, SlowCheap, FastDear);
        var b = Routes.Choose(35, Routes.CloudAllowed, live, 0, SlowCheap, FastDear);

        a.Winner.ShouldBe(b.Winner);
        a.Verdicts.ShouldBe(b.Verdicts);
        a.Reasons().ShouldBe(b.Reasons());
    }
}
