namespace Mesh.Protocol.Policy;

public static partial class PolicyDiff
{
    /// <summary>Rate limits have no id: compare them as multisets of their renderings (added in new order,
    /// removed in old order).</summary>
    private static (List<string> Added, List<string> Removed) RateLimits(IReadOnlyList<RateLimit> oldLimits, IReadOnlyList<RateLimit> newLimits)
    {
        var unmatched = oldLimits.Select(PolicyText.Format).ToList();
        var added = new List<string>();
        foreach (var limit in newLimits.Select(PolicyText.Format))
        {
            if (!unmatched.Remove(limit))
                added.Add(limit);
        }
        return (added, unmatched);
    }

    private static List<PolicyFieldChange> Routing(RoutingLimits o, RoutingLimits n)
    {
        var changes = new List<PolicyFieldChange>();
        if (o.MaxLatency != n.MaxLatency)
            changes.Add(new("max_latency", Latency(o.MaxLatency), Latency(n.MaxLatency)));
        if (o.MaxCostPerDecision != n.MaxCostPerDecision)
            changes.Add(new("max_cost_per_decision", Amount(o.MaxCostPerDecision), Amount(n.MaxCostPerDecision)));
        if (o.DailyBudget != n.DailyBudget)
            changes.Add(new("daily_budget", Amount(o.DailyBudget), Amount(n.DailyBudget)));
        Field(changes, "currency", o.Currency, n.Currency);
        if (o.RawReadingsLeaveSite != n.RawReadingsLeaveSite)
            changes.Add(new("raw_readings_leave_site", Bool(o.RawReadingsLeaveSite), Bool(n.RawReadingsLeaveSite)));
        return changes;
    }

    private static string Latency(TimeSpan? value) => value is { } v ? PolicyDuration.Format(v) : None;

    private static string Amount(decimal? value) => value is { } v ? PolicyText.Amount(v) : None;

    private static string Bool(bool value) => value ? "true" : "false";
}
