namespace Mesh.Protocol.Policy;

/// <summary>Limits the router works within for the site's inference. Null means no limit.</summary>
public sealed record RoutingLimits
{
    public static readonly RoutingLimits Unlimited = new();

    public TimeSpan? MaxLatency { get; init; }

    /// <summary>Most a single decision may cost, in <see cref="Currency"/>.</summary>
    public decimal? MaxCostPerDecision { get; init; }

    /// <summary>Most the site may spend per UTC day, in <see cref="Currency"/>.</summary>
    public decimal? DailyBudget { get; init; }

    /// <summary>ISO 4217 code of the amounts.</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>Whether raw readings may be sent off the site (for example to a cloud GPU). Default false.</summary>
    public bool RawReadingsLeaveSite { get; init; }
}
