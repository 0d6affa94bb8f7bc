namespace Mesh.Node.Routing;

/// <summary>What the router made of one candidate. The exclusions are checked in declaration order, from
/// <see cref="Unavailable"/> to <see cref="MissesDeadline"/>; the first that applies is the verdict.</summary>
public enum Verdict
{
    /// <summary>Chosen: the cheapest qualifying candidate (then the fastest, then the lowest id).</summary>
    Won,

    /// <summary>Qualified, but cost more than the winner.</summary>
    Costlier,

    /// <summary>Qualified at the winner's cost, but predicted slower.</summary>
    Slower,

    /// <summary>Qualified at the winner's cost and predicted latency; lost on target id.</summary>
    Tie,

    /// <summary>Does not serve the model or is disconnected.</summary>
    Unavailable,

    /// <summary>The target's circuit breaker is open, or half-open with its one probe already in flight.</summary>
    BreakerOpen,

    /// <summary>Raw readings would leave the site and the policy forbids it.</summary>
    ResidencyForbids,

    /// <summary>Priced in another currency than the policy's limits, so it can be neither capped nor compared.</summary>
    CurrencyMismatch,

    /// <summary>Costs more than the policy allows one decision.</summary>
    OverCostCap,

    /// <summary>Would take today's spending over the daily budget.</summary>
    OverBudget,

    /// <summary>Predicted latency exceeds the effective deadline.</summary>
    MissesDeadline,

    /// <summary>The deterministic skill, listed as the route of a degraded decision.</summary>
    Fallback,
}
