using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Inference;
using Mesh.Node.Routing;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Tests.Inference;

/// <summary>A restarted node knows what it already spent today: the daily budget holds across restarts.</summary>
public sealed class BudgetRestoreTests
{
    private const string Policy = TestPolicies.AnomalyRule;

    [Fact]
    public async Task Restore_TodaysPaidRuns_AddsTheirCostToTheLedger()
    {
        await using var fx = new JournalFixture();
        var run = new DeviceRun(TestPolicies.For(Policy));
        var drafts = new List<AuditDraft>();
        for (var i = 0; i < 3; i++)
        {
            var paid = new ModelRun("anomaly", "1.0.0", "score", 0.1, 0.9, false,
                new AuditRoute("cloud:gpu-1/CUDA", "cloud-a10g", "anomaly", "1.0.0", 900, 1_250, ["won cloud:gpu-1/CUDA"]));
            drafts.AddRange(AuditDrafts.ForReading("dev-1", run.Feed(DeviceRun.Reading("dev-1", i + 1, i), InferenceResults.From([paid])), "p"));
        }
        drafts.AddRange(AuditDrafts.ForReading("dev-1", run.Feed(DeviceRun.Reading("dev-1", 4, 4), InferenceResults.None), "p"));
        await fx.Journal.AppendAsync(drafts);
        var budget = new BudgetLedger(TimeProvider.System);
        var restore = new BudgetRestore(fx.Lookup, fx.Journal, budget, TimeProvider.System, fx.Logs.For<BudgetRestore>());

        await restore.StartAsync(CancellationToken.None);
        await restore.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        budget.Spent.ShouldBe(0.00375, 1e-12);
        fx.Logs.Entries.ShouldContain(e => e.Message.Contains("restored from 4 of today's readings", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restore_EmptyJournal_NothingSpent()
    {
        await using var fx = new JournalFixture();
        var budget = new BudgetLedger(TimeProvider.System);
        var restore = new BudgetRestore(fx.Lookup, fx.Journal, budget, TimeProvider.System, fx.Logs.For<BudgetRestore>());

        await restore.StartAsync(CancellationToken.None);
        await restore.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));

        budget.Spent.ShouldBe(0);
    }
}
