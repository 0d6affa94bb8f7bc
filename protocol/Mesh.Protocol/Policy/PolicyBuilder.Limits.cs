using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

internal sealed partial class PolicyBuilder
{
    private IReadOnlyList<RateLimit>? RateLimits(YNode node)
    {
        if (Sequence(node, "a list of rate limits") is not { } seq)
            return null;
        var limits = new List<RateLimit>();
        foreach (var item in seq.Items)
            if (RateLimit(item) is { } limit)
                limits.Add(limit);
        return limits.Count == seq.Items.Count ? limits : null;
    }

    private RateLimit? RateLimit(YNode node)
    {
        if (Mapping(node, "a rate limit (a mapping with action, max and per)") is not { } map)
            return null;
        CheckKeys(map, "rate limit", PolicyKeys.RateLimit);
        const string owner = "rate limit";
        var action = Required(map, "action", owner) is { } a
            ? Name(a, "action", static s => s == "*" || PolicyNames.IsValidAction(s), ActionRule + ", or * for every action")
            : null;
        var max = Required(map, "max", owner) is { } m ? Integer(m, 1, int.MaxValue) : null;
        var per = Required(map, "per", owner) is { } p ? Duration(p) : null;
        if (action is null || max is null || per is null)
            return null;
        return new RateLimit { Action = action, Max = (int)max.Value, Per = per.Value };
    }

    private RoutingLimits? Routing(YNode node)
    {
        if (Mapping(node, "a routing mapping") is not { } map)
            return null;
        CheckKeys(map, "routing", PolicyKeys.Routing);
        var ok = true;
        TimeSpan? maxLatency = null;
        decimal? maxCost = null, budget = null;
        if (map.Get("max_latency") is { } l)
            ok &= (maxLatency = Duration(l)) is not null;
        if (map.Get("max_cost_per_decision") is { } c)
            ok &= (maxCost = Amount(c)) is not null;
        if (map.Get("daily_budget") is { } b)
            ok &= (budget = Amount(b)) is not null;
        var currency = map.Get("currency") is { } cur
            ? Name(cur, "currency", PolicyNames.IsValidCurrency, "three upper-case letters (ISO 4217), for example EUR or USD")
            : "USD";
        var raw = map.Get("raw_readings_leave_site") is { } r ? Boolean(r) : false;
        if (!ok || currency is null || raw is null)
            return null;
        return new RoutingLimits
        {
            MaxLatency = maxLatency,
            MaxCostPerDecision = maxCost,
            DailyBudget = budget,
            Currency = currency,
            RawReadingsLeaveSite = raw.Value,
        };
    }
}
