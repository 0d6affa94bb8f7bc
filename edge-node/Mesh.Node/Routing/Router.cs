namespace Mesh.Node.Routing;

/// <summary>
/// Picks where an inference runs: the cheapest target whose predicted latency meets the deadline and that the policy
/// allows; among equals the lower predicted latency, then the lower target id (ordinal). When none qualifies the
/// decision is degraded and the deterministic skill decides. Deterministic: the same inputs (candidates, limits, spent
/// amount, live statistics and the clock they read) give the same decision.
/// </summary>
public static class Router
{
    /// <summary>
    /// Judges every candidate and picks one.
    /// <para>Predicted latency: <c>predicted = RoundTripMs + service × (1 + inFlight / Parallelism)</c>, where
    /// <c>service</c> is the target's measured latency average once it has <see cref="LiveStatsOptions.MinSamples"/>
    /// samples, else the profile's prior p99 (conservative until measured); <c>inFlight</c> is the calls this node has
    /// running there. A new call waits behind <c>inFlight</c> others, drained <c>Parallelism</c> at a time, then runs for
    /// one service time; the round trip is paid once. Measured latencies are taken at the target, so they exclude the
    /// round trip.</para>
    /// <para>Exclusions, first that applies wins: <see cref="Verdict.Unavailable"/>, <see cref="Verdict.BreakerOpen"/>,
    /// <see cref="Verdict.ResidencyForbids"/>, <see cref="Verdict.CurrencyMismatch"/> (a non-free candidate priced in
    /// another currency than the limits), <see cref="Verdict.OverCostCap"/>, <see cref="Verdict.OverBudget"/>
    /// (<c>spentToday + cost &gt; budget</c>, for a non-free candidate), <see cref="Verdict.MissesDeadline"/>
    /// (<c>predicted &gt; min(task deadline, max latency)</c>).</para>
    /// </summary>
    /// <param name="spentToday">Today's spending, from the <see cref="BudgetLedger"/>; confirm the winner's cost with
    /// <see cref="BudgetLedger.TryReserve"/> before sending.</param>
    public static RouteDecision Choose(
        RouteTask task, IReadOnlyList<RouteCandidate> candidates, RouteLimits limits, LiveStats live, double spentToday)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(live);

        var deadline = limits.EffectiveDeadline(task.Deadline);
        var deadlineMs = deadline.TotalMilliseconds;
        var now = live.Time.GetUtcNow();
        var minSamples = live.Options.MinSamples;
        var count = candidates.Count;
        var verdicts = new List<CandidateVerdict>(count + 1);
        var best = -1;
        double bestCost = 0, bestMs = 0;

        for (var i = 0; i < count; i++)
        {
            var c = candidates[i];
            var health = live.Snapshot(c.Target.Id, now);
            var measured = health.Samples >= minSamples;
            var service = measured ? health.EwmaMs : c.PriorP99Ms;
            var predicted = c.RoundTripMs + service * (1 + (double)health.InFlight / Math.Max(1, c.Parallelism));
            var verdict = Judge(c, health.Breaker, limits, spentToday, predicted, deadlineMs);
            verdicts.Add(new CandidateVerdict(c, verdict, predicted, service, measured, health, limits, deadlineMs, spentToday));
            if (verdict == Verdict.Won
                && (best < 0 || Beats(c.CostPerInference, predicted, c.Target.Id, bestCost, bestMs, candidates[best].Target.Id)))
            {
                best = i;
                bestCost = c.CostPerInference;
                bestMs = predicted;
            }
        }

        if (best < 0)
        {
            verdicts.Add(CandidateVerdict.Fallback(limits, deadlineMs, spentToday));
            return new RouteDecision(null, true, verdicts, deadline);
        }

        var winner = candidates[best];
        for (var i = 0; i < count; i++)
        {
            var v = verdicts[i];
            if (i == best || v.Verdict != Verdict.Won)
                continue;
            var rank = v.Cost > bestCost ? Verdict.Costlier : v.PredictedMs > bestMs ? Verdict.Slower : Verdict.Tie;
            verdicts[i] = v.Ranked(rank, winner, bestMs);
        }
        return new RouteDecision(winner, false, verdicts, deadline);
    }

    // Won here means "qualifies"; the ranking pass settles who actually won. Comparisons are negated where NaN must fail.
    private static Verdict Judge(
        RouteCandidate c, in BreakerSnapshot breaker, RouteLimits limits, double spentToday, double predicted, double deadlineMs)
    {
        if (!c.Available)
            return Verdict.Unavailable;
        if (!breaker.LetsThrough)
            return Verdict.BreakerOpen;
        if (c.Target.OffSite && !limits.RawReadingsLeaveSite)
            return Verdict.ResidencyForbids;
        var cost = c.CostPerInference;
        if (cost != 0 && !string.Equals(c.Target.Currency, limits.Currency, StringComparison.OrdinalIgnoreCase))
            return Verdict.CurrencyMismatch;
        if (limits.MaxCostPerDecision is { } cap && !(cost <= cap + RouteLimits.CostTolerance))
            return Verdict.OverCostCap;
        if (cost > 0 && limits.DailyBudget is { } budget && !(spentToday + cost <= budget + RouteLimits.CostTolerance))
            return Verdict.OverBudget;
        if (!(predicted <= deadlineMs))
            return Verdict.MissesDeadline;
        return Verdict.Won;
    }

    private static bool Beats(double cost, double ms, string id, double bestCost, double bestMs, string bestId) =>
        cost < bestCost || (cost == bestCost && (ms < bestMs || (ms == bestMs && string.CompareOrdinal(id, bestId) < 0)));
}
