using Mesh.Node.Routing;

namespace Mesh.Node.Tests.Routing;

/// <summary>Data residency: off-site targets only when the policy lets raw readings leave the site.</summary>
public sealed class RouterResidencyTests
{
    [Theory]
    [InlineData(false, TargetKind.Cloud, true, Verdict.ResidencyForbids)]
    [InlineData(true, TargetKind.Cloud, true, Verdict.Won)]
    [InlineData(false, TargetKind.SitePeer, false, Verdict.Won)]
    [InlineData(true, TargetKind.SitePeer, false, Verdict.Won)]
    [InlineData(false, TargetKind.SitePeer, true, Verdict.ResidencyForbids)]
    [InlineData(true, TargetKind.SitePeer, true, Verdict.Won)]
    public void Choose_Residency_OffSiteOnlyWhenAllowed(bool leaveSite, TargetKind kind, bool offSite, Verdict verdict)
    {
        var target = new RouteTarget("t", kind, "n", "p", "CUDA", offSite);
        var candidate = new RouteCandidate(target, 1, 2, 5, 0.0001, true);

        var d = Routes.Choose(100, new RouteLimits { RawReadingsLeaveSite = leaveSite }, candidate);

        d.Verdicts[0].Verdict.ShouldBe(verdict);
    }

    [Fact]
    public void Choose_CloudForbidden_FallsBackToLocalWithReason()
    {
        var d = Routes.Choose(100, RouteLimits.None, Routes.Cloud(cost: 0), Routes.Local("CPU", p99: 50));

        d.WinnerId().ShouldBe("local/CPU");
        d.Of("cloud/gpu-1").Why.ShouldBe("cloud: raw readings may not leave the site");
    }

    [Fact]
    public void From_PolicyLimits_CarriesEveryField()
    {
        var limits = RouteLimits.From(new Mesh.Protocol.Policy.RoutingLimits
        {
            MaxLatency = TimeSpan.FromMilliseconds(80),
            MaxCostPerDecision = 0.0025m,
            DailyBudget = 12.5m,
            Currency = "EUR",
            RawReadingsLeaveSite = true,
        });

        limits.ShouldBe(new RouteLimits
        {
            MaxLatency = TimeSpan.FromMilliseconds(80),
            MaxCostPerDecision = 0.0025,
            DailyBudget = 12.5,
            Currency = "EUR",
            RawReadingsLeaveSite = true,
        });
    }

    [Fact]
    public void From_NullOrUnlimited_IsNoneAndKeepsReadingsOnSite()
    {
        RouteLimits.From(null).ShouldBe(RouteLimits.None);
        RouteLimits.From(Mesh.Protocol.Policy.RoutingLimits.Unlimited).ShouldBe(RouteLimits.None);
        RouteLimits.None.RawReadingsLeaveSite.ShouldBeFalse();
    }
}
