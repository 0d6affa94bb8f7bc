using Mesh.Node.Audit;
using Mesh.Node.Replay;
using Mesh.Node.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Inference;

/// <summary>
/// Restores today's spending after a restart, so the site's daily budget holds across restarts: walks the journal
/// back from its head over today's Observation records (by their clock stamp, UTC day) and adds the cost of every
/// model run recorded in them. Runs in the background at start; spending in the first moments before it finishes
/// is added on top, not lost.
/// </summary>
public sealed partial class BudgetRestore(JournalLookup lookup, AuditJournal journal, BudgetLedger budget, TimeProvider time, ILogger<BudgetRestore> logger)
    : BackgroundService
{
    private const int Batch = 5000;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var spentMicros = 0L;
        var records = 0L;
        for (var before = journal.Head; before > 0 && !stoppingToken.IsCancellationRequested;)
        {
            var batch = lookup.ObservationsBackFrom(before, Batch);
            if (batch.Count == 0)
                break;
            foreach (var r in batch)
            {
                if (DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(r.Hlc.WallMillis).UtcDateTime) < today)
                {
                    Finish(today, spentMicros, records);
                    return;
                }
                records++;
                if (r.Route.Model.Length == 0)
                    continue;
                ObservationRecord.Read(r, out _, out var inference);
                foreach (var run in inference.Runs)
                    spentMicros += run.Route.CostMicros;
            }
            before = batch[^1].Sequence - 1;
        }
        Finish(today, spentMicros, records);
    }, stoppingToken);

    private void Finish(DateOnly today, long spentMicros, long records)
    {
        // Today's readings the journal pruned after the hub acknowledged them: their total was kept at the boundary.
        var (prunedDay, prunedMicros) = lookup.PrunedSpend();
        if (prunedDay == today.Year * 10_000L + today.Month * 100 + today.Day)
            spentMicros += prunedMicros;
        if (spentMicros > 0 && DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) == today)
            budget.Add(spentMicros / 1_000_000.0);
        Restored(logger, spentMicros / 1_000_000.0, records);
    }

    [LoggerMessage(6009, LogLevel.Information, "Inference budget: {Spent} USD spent today restored from {Records} of today's readings")]
    private static partial void Restored(ILogger logger, double spent, long records);
}
