namespace Mesh.Node.Routing;

/// <summary>How <see cref="LiveStats"/> learns latency and trips breakers.</summary>
public sealed record LiveStatsOptions
{
    public static readonly LiveStatsOptions Default = new();

    /// <summary>Weight of each new latency in the moving average: <c>ewma ← α·latency + (1 − α)·ewma</c>. Default 0.2:
    /// a step change is 67 % absorbed after 5 calls and 89 % after 10, while one outlier moves it by a fifth.</summary>
    public double EwmaAlpha { get; init; } = 0.2;

    /// <summary>Measured latencies needed before the average replaces the profile's p99 prior. Default 3.</summary>
    public int MinSamples { get; init; } = 3;

    /// <summary>How long a target's measured average stays valid without a new measurement. Default 10 s. Once older, the
    /// target is predicted from its prior again and its next measurement starts a fresh average: a target that lost
    /// on a bad spell (a GC pause, a burst) is tried again instead of being judged by that spell for ever.</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive failures that open a target's breaker. Default 5.</summary>
    public int FailuresToOpen { get; init; } = 5;

    /// <summary>Timeouts within <see cref="TimeoutStormWindow"/> that open the breaker even with successes in between. Default 3.</summary>
    public int TimeoutStormCount { get; init; } = 3;

    /// <summary>Default 10 s.</summary>
    public TimeSpan TimeoutStormWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open breaker refuses calls before it lets one probe through. Default 10 s.</summary>
    public TimeSpan OpenFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What is wrong with these options, one line per key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(EwmaAlpha > 0 && EwmaAlpha <= 1))
            errors.Add($"EwmaAlpha {EwmaAlpha} must be within (0, 1]");
        if (MinSamples is < 1 or > 1000)
            errors.Add($"MinSamples {MinSamples} must be within 1..1000");
        if (FailuresToOpen is < 1 or > 1000)
            errors.Add($"FailuresToOpen {FailuresToOpen} must be within 1..1000");
        if (TimeoutStormCount is < 1 or > 1000)
            errors.Add($"TimeoutStormCount {TimeoutStormCount} must be within 1..1000");
        if (TimeoutStormWindow <= TimeSpan.Zero)
            errors.Add($"TimeoutStormWindow {TimeoutStormWindow} must be positive");
        if (ForgetAfter <= TimeSpan.Zero)
            errors.Add($"ForgetAfter {ForgetAfter} must be positive");
        if (OpenFor <= TimeSpan.Zero)
            errors.Add($"OpenFor {OpenFor} must be positive");
        return errors;
    }
}
