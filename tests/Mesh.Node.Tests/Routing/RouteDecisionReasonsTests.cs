using Mesh.Node.Routing;

namespace Mesh.Node.Tests.Routing;

/// <summary>The audit lines: one per candidate, the chosen route first, each at most 200 characters.</summary>
public sealed class RouteDecisionReasonsTests
{
    [Fact]
    public void Reasons_Won_WinnerFirstThenEveryLoser()
    {
        var d = Routes.Choose(50, RouteLimits.None,
            Routes.Cloud(), Routes.Local("CUDA", p99: 3, available: false), Routes.Local("CPU", p99: 0.41, parallelism: 8));

        d.Reasons().ShouldBe([
            "won local/CPU: predicted 0.41 ms, 0.000000 USD, cheapest within 50 ms",
            "lost cloud/gpu-1: cloud: raw readings may not leave the site",
            "lost local/CUDA: unavailable: does not serve the model or is disconnected",
        ]);
    }

    [Fact]
    public void Reasons_EverythingDown_DegradedAndEachCandidateExplained()
    {
        var clock = Routes.Clock();
        var live = Routes.Live(clock);
        live.Fail("peer/node-2/CUDA", 5);
        var limits = new RouteLimits { MaxCostPerDecision = 0.001, DailyBudget = 1, MaxLatency = TimeSpan.FromMilliseconds(50) };

        var d = Routes.Choose(200, limits, live, 0.9995,
            Routes.Local("CUDA", available: false),
            Routes.Peer(),
            Routes.Cloud("cloud/eu", cost: 0.0001),
            Routes.Peer("peer/node-3/GPU", cost: 0.01),
            Routes.Peer("peer/node-4/GPU", cost: 0.001),
            Routes.Local("CPU", p99: 61));

        d.Degraded.ShouldBeTrue();
        d.Verdicts.Select(v => v.Verdict).ShouldBe([
            Verdict.Unavailable, Verdict.BreakerOpen, Verdict.ResidencyForbids, Verdict.OverCostCap, Verdict.OverBudget,
            Verdict.MissesDeadline, Verdict.Fallback,
        ]);
        d.Reasons().ShouldBe([
            "degraded: no target qualified; deterministic skill bands decided",
            "lost local/CUDA: unavailable: does not serve the model or is disconnected",
            "lost peer/node-2/CUDA: breaker open since 12:00:00Z (5 failures)",
            "lost cloud/eu: cloud: raw readings may not leave the site",
            "lost peer/node-3/GPU: cost 0.010000 USD > cap 0.001000 USD per decision",
            "lost peer/node-4/GPU: spent 0.999500 + 0.001000 USD > daily budget 1.000000 USD",
            "lost local/CPU: predicted 61.0 ms > deadline 50 ms (prior p99 61.0 ms)",
        ]);
    }

    [Fact]
    public void Reasons_EveryCandidateNamed_AtMost200Chars()
    {
        var longId = "peer/" + new string('x', 300);
        RouteCandidate[] candidates =
        [
            Routes.Local("CPU", p99: 8), Routes.Local("CUDA", p99: 3), Routes.Peer(p99: 2, rtt: 1), Routes.Peer(longId, cost: 0.5),
            Routes.Cloud("cloud/a"), Routes.Cloud("cloud/b", cost: 0.0001),
        ];

        var d = Routes.Choose(50, Routes.CloudAllowed, candidates);
        var lines = d.Reasons();

        lines.Count.ShouldBe(candidates.Length);
        foreach (var c in candidates)
        {
            var head = c.Target.Id.Length > 100 ? c.Target.Id[..100] : c.Target.Id + ":"; // the long id is cut
            lines.Count(l => l.StartsWith("won " + head, StringComparison.Ordinal) || l.StartsWith("lost " + head, StringComparison.Ordinal))
                .ShouldBe(1, c.Target.Id);
        }
        lines.ShouldAllBe(l => l.Length <= RouteDecision.MaxReasonLength);
        lines.Single(l => l.Length == RouteDecision.MaxReasonLength).ShouldEndWith("…");
    }

    [Fact]
    public void Reasons_RemoteMissesDeadline_ExplainsRoundTripAndQueue()
    {
        var live = Routes.Live();
        live.Started("cloud/gpu-1");

        var d = Routes.Choose(20, Routes.CloudAllowed, live, 0, Routes.Cloud(p99: 4, rtt: 15));

        d.Reasons()[1].ShouldBe("lost cloud/gpu-1: predicted 23.0 ms > deadline 20 ms (prior p99 4.0 ms + 15.0 ms round trip, 1 in flight / 1)");
    }
}
