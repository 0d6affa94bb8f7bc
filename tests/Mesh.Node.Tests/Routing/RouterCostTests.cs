using Mesh.Node.Routing;

namespace Mesh.Node.Tests.Routing;

/// <summary>Cost: cheapest wins, the per-decision cap and the currency exclude; ties go to latency, then id.</summary>
public sealed class RouterCostTests
{
    private static readonly RouteCandidate[] ThreePrices =
    [
        Routes.Cloud("cloud/a", cost: 0.002),
        Routes.Cloud("cloud/b", cost: 0.001),
        Routes.Cloud("cloud/c", cost: 0.003),
    ];

    [Fact]
    public void Choose_AllQualify_CheapestWinsOthersCostlier()
    {
        var d = Routes.Choose(100, Routes.CloudAllowed, ThreePrices);

        d.WinnerId().ShouldBe("cloud/b");
        d.Of("cloud/a").Verdict.ShouldBe(Verdict.Costlier);
        d.Of("cloud/a").Why.ShouldBe("cost 0.002000 USD > 0.001000 USD of cloud/b");
        d.Of("cloud/c").Verdict.ShouldBe(Verdict.Costlier);
    }

    [Theory]
    [InlineData(0.0005, null, Verdict.OverCostCap, Verdict.OverCostCap)]
    [InlineData(0.001, "cloud/b", Verdict.OverCostCap, Verdict.OverCostCap)]
    [InlineData(0.0025, "cloud/b", Verdict.Costlier, Verdict.OverCostCap)]
    [InlineData(0.003, "cloud/b", Verdict.Costlier, Verdict.Costlier)]
    public void Choose_CostCap_ExcludesDearerCandidates(double cap, string? winner, Verdict a, Verdict c)
    {
        var d = Routes.Choose(100, Routes.CloudAllowed with { MaxCostPerDecision = cap }, ThreePrices);

        d.WinnerId().ShouldBe(winner);
        d.Of("cloud/a").Verdict.ShouldBe(a);
        d.Of("cloud/c").Verdict.ShouldBe(c);
    }

    [Fact]
    public void Choose_OverCostCap_WhyNamesTheCap()
    {
        var d = Routes.Choose(100, Routes.CloudAllowed with { MaxCostPerDecision = 0.0005 }, ThreePrices);

        d.Of("cloud/a").Why.ShouldBe("cost 0.002000 USD > cap 0.000500 USD per decision");
    }

    [Theory]
    [InlineData("EUR", "USD", 0.001, Verdict.CurrencyMismatch)]
    [InlineData("USD", "EUR", 0.001, Verdict.CurrencyMismatch)]
    [InlineData("usd", "USD", 0.001, Verdict.Won)]
    [InlineData("EUR", "USD", 0, Verdict.Won)]
    public void Choose_Currency_MismatchedPricedCandidateExcluded(string limitsCurrency, string candidateCurrency, double cost, Verdict verdict)
    {
        var limits = Routes.CloudAllowed with { Currency = limitsCurrency, MaxCostPerDecision = 1 };

        var d = Routes.Choose(100, limits, Routes.Cloud(cost: cost, currency: candidateCurrency));

        d.Verdicts[0].Verdict.ShouldBe(verdict);
    }

    [Fact]
    public void Choose_CurrencyMismatch_WhyNamesBoth()
    {
        var d = Routes.Choose(100, Routes.CloudAllowed with { Currency = "EUR" }, Routes.Cloud(cost: 0.001));

        d.Verdicts[0].Why.ShouldBe("priced in USD, limits in EUR");
        d.Degraded.ShouldBeTrue();
    }

    [Fact]
    public void Choose_SameCost_FasterWinsSlowerLoses()
    {
        var d = Routes.Choose(100, RouteLimits.None, Routes.Local("CPU", p99: 8), Routes.Local("CUDA", p99: 3));

        d.WinnerId().ShouldBe("local/CUDA");
        d.Of("local/CPU").Verdict.ShouldBe(Verdict.Slower);
        d.Of("local/CPU").Why.ShouldBe("same cost, predicted 8.0 ms > 3.0 ms of local/CUDA");
    }

    [Theory]
    [InlineData("local/B", "local/a", "local/B")]
    [InlineData("local/a", "local/B", "local/B")]
    [InlineData("local/x1", "local/x0", "local/x0")]
    public void Choose_SameCostSameLatency_LowerOrdinalIdWins(string first, string second, string winner)
    {
        RouteCandidate Named(string id) => Routes.Local(p99: 5) with { Target = Routes.Local().Target with { Id = id } };

        var d = Routes.Choose(100, RouteLimits.None, Named(first), Named(second));

        d.WinnerId().ShouldBe(winner);
        d.Of(first == winner ? second : first).Verdict.ShouldBe(Verdict.Tie);
    }

    [Fact]
    public void Choose_CandidateOrderReversed_SameWinner()
    {
        RouteCandidate[] list = [Routes.Local("CPU", p99: 8), Routes.Local("CUDA", p99: 3), Routes.Peer(p99: 1, rtt: 1), .. ThreePrices];

        var forward = Routes.Choose(100, Routes.CloudAllowed, list);
        var backward = Routes.Choose(100, Routes.CloudAllowed, [.. list.Reverse()]);

        forward.WinnerId().ShouldBe("peer/node-2/CUDA");
        backward.WinnerId().ShouldBe("peer/node-2/CUDA");
    }
}
