using Mesh.Protocol.Policy;

namespace Mesh.Node.Routing;

/// <summary>The site policy's routing limits (<see cref="RoutingLimits"/>) in the router's units: milliseconds and
/// <see cref="double"/> amounts. A null limit is no limit.</summary>
public sealed record RouteLimits
{
    /// <summary>Amounts are compared to within this many currency units, so that prices that add up exactly to a cap
    /// or budget in decimal are not refused for binary rounding. Far below the audit record's micro-unit resolution.</summary>
    public const double CostTolerance = 1e-9;

    /// <summary>No latency or cost limits, in USD. Raw readings stay on the site, as in a policy without a routing section.</summary>
    public static readonly RouteLimits None = new();

    /// <summary>The most any inference may take; it also caps every task's deadline.</summary>
    public TimeSpan? MaxLatency { get; init; }

    /// <summary>The most one decision may cost, in <see cref="Currency"/>.</summary>
    public double? MaxCostPerDecision { get; init; }

    /// <summary>The most the site may spend per UTC day, in <see cref="Currency"/>.</summary>
    public double? DailyBudget { get; init; }

    /// <summary>ISO 4217 code of the amounts.</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>Whether raw readings may be sent off the site. Default false.</summary>
    public bool RawReadingsLeaveSite { get; init; }

    public static RouteLimits From(RoutingLimits? policy) =>
        policy is null
            ? None
            : new RouteLimits
            {
                MaxLatency = policy.MaxLatency,
                MaxCostPerDecision = policy.MaxCostPerDecision is { } cap ? (double)cap : null,
                DailyBudget = policy.DailyBudget is { } budget ? (double)budget : null,
                Currency = policy.Currency,
                RawReadingsLeaveSite = policy.RawReadingsLeaveSite,
            };

    /// <summary>The deadline the router works to: the task's, capped by <see cref="MaxLatency"/>.</summary>
    public TimeSpan EffectiveDeadline(TimeSpan taskDeadline) =>
        MaxLatency is { } max && max < taskDeadline ? max : taskDeadline;
}
