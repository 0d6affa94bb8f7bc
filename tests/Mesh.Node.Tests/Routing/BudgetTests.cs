using Mesh.Node.Routing;

namespace Mesh.Node.Tests.Routing;

/// <summary>The daily budget: the router excludes what would overspend; the ledger rolls over at UTC midnight.</summary>
public sealed class BudgetTests
{
    private static readonly RouteLimits Budget1 = Routes.CloudAllowed with { DailyBudget = 1.0 };

    [Theory]
    [InlineData(0, Verdict.Won)]
    [InlineData(0.998, Verdict.Won)]
    [InlineData(0.999, Verdict.Won)]
    [InlineData(0.9995, Verdict.OverBudget)]
    [InlineData(1.5, Verdict.OverBudget)]
    public void Choose_SpentPlusCost_OverBudgetExcluded(double spent, Verdict verdict)
    {
        var d = Routes.Choose(100, Budget1, Routes.Live(), spent, Routes.Cloud(cost: 0.001));

        d.Verdicts[0].Verdict.ShouldBe(verdict);
    }

    [Fact]
    public void Choose_BudgetExhausted_FreeLocalStillQualifies()
    {
        var d = Routes.Choose(100, Budget1, Routes.Live(), 2.0, Routes.Cloud(cost: 0.001), Routes.Local("CPU", p99: 50));

        d.WinnerId().ShouldBe("local/CPU");
        d.Of("cloud/gpu-1").Why.ShouldBe("spent 2.000000 + 0.001000 USD > daily budget 1.000000 USD");
    }

    [Fact]
    public void Ledger_BudgetExhausted_ResetsAtUtcMidnight()
    {
        var clock = Routes.Clock();
        var ledger = new BudgetLedger(clock);
        var cloud = Routes.Cloud(cost: 0.25);
        for (var i = 0; i < 4; i++)
            ledger.TryReserve(cloud.CostPerInference, Budget1, out _).ShouldBeTrue();
        ledger.TryReserve(cloud.CostPerInference, Budget1, out _).ShouldBeFalse();
        Routes.Choose(100, Budget1, Routes.Live(clock), ledger.Spent, cloud).Verdicts[0].Verdict.ShouldBe(Verdict.OverBudget);

        clock.Advance(TimeSpan.FromHours(11) + TimeSpan.FromMinutes(59)); // 23:59 UTC: still today
        ledger.Spent.ShouldBe(1.0);
        clock.Advance(TimeSpan.FromMinutes(1));

        ledger.Spent.ShouldBe(0);
        ledger.Day.ShouldBe(new DateOnly(2026, 11, 24));
        Routes.Choose(100, Budget1, Routes.Live(clock), ledger.Spent, cloud).WinnerId().ShouldBe("cloud/gpu-1");
    }

    [Fact]
    public void Ledger_SeedToday_CountsTowardsBudget()
    {
        var ledger = new BudgetLedger(Routes.Clock());

        ledger.Seed(new DateOnly(2026, 11, 23), 0.9).ShouldBeTrue();

        ledger.Spent.ShouldBe(0.9);
        ledger.TryReserve(0.2, Budget1, out _).ShouldBeFalse();
        ledger.TryReserve(0.1, Budget1, out _).ShouldBeTrue();
    }

    [Fact]
    public void Ledger_SeedAnotherDay_Ignored()
    {
        var ledger = new BudgetLedger(Routes.Clock());

        ledger.Seed(new DateOnly(2026, 11, 22), 0.9).ShouldBeFalse();

        ledger.Spent.ShouldBe(0);
    }

    [Fact]
    public void Ledger_ReleaseSameDay_GivesBackReleaseNextDay_Ignored()
    {
        var clock = Routes.Clock();
        var ledger = new BudgetLedger(clock);
        ledger.TryReserve(0.4, Budget1, out var first).ShouldBeTrue();
        ledger.TryReserve(0.4, Budget1, out var second).ShouldBeTrue();

        ledger.Release(first);
        ledger.Spent.ShouldBe(0.4, 1e-12);

        clock.Advance(TimeSpan.FromDays(1));
        ledger.Add(0.3);
        ledger.Release(second);
        ledger.Spent.ShouldBe(0.3, 1e-12);
    }

    [Fact]
    public void Ledger_ConcurrentReservations_NeverOverspend()
    {
        var ledger = new BudgetLedger(Routes.Clock());
        var granted = 0;

        Parallel.For(0, 5_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (ledger.TryReserve(0.001, Budget1, out _))
                Interlocked.Increment(ref granted);
        });

        granted.ShouldBe(1000);
        ledger.Spent.ShouldBe(1.0, 1e-9);
    }

    [Fact]
    public void Ledger_TwoNodesOfASite_SharedCounterKeepsTheDailyBudget()
    {
        var clock = Routes.Clock();
        var (a, storeA) = SiteLedger("edge-a", clock);
        var (b, storeB) = SiteLedger("edge-b", clock);
        for (var i = 0; i < 3; i++)
            a.TryReserve(0.25, Budget1, out _).ShouldBeTrue();
        storeB.Merge(storeA.All());

        b.Spent.ShouldBe(0.75, "edge-b counts what edge-a spent");
        b.TryReserve(0.25, Budget1, out var last).ShouldBeTrue();
        b.TryReserve(0.25, Budget1, out _).ShouldBeFalse("the site's budget is spent, whichever node spent it");
        b.Release(last);
        storeA.Merge(storeB.All());
        a.Spent.ShouldBe(0.75, "a released reservation is given back on every replica (PN-counter)");
    }

    [Fact]
    public void Ledger_SeedAfterRestartWithSiteStateAlreadyMerged_NotCountedTwice()
    {
        var clock = Routes.Clock();
        var (before, storeBefore) = SiteLedger("edge-a", clock);
        before.TryReserve(0.5, Budget1, out _).ShouldBeTrue();
        var (after, storeAfter) = SiteLedger("edge-a", clock);
        storeAfter.Merge(storeBefore.All()); // the hub's replica arrived before the journal was read

        after.Seed(after.Day, 0.5).ShouldBeTrue();

        storeAfter.SpentBy(after.Day, "edge-a").ShouldBe(500_000);
        after.Spent.ShouldBe(0.5);
    }

    private static (BudgetLedger Ledger, Mesh.Node.SiteState.SiteStateStore Store) SiteLedger(string node, TimeProvider clock)
    {
        var store = new Mesh.Node.SiteState.SiteStateStore(node, new Mesh.Protocol.Time.HybridLogicalClock(node, clock));
        return (new BudgetLedger(clock) { Site = store }, store);
    }
}
