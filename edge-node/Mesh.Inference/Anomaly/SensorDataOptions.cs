namespace Mesh.Inference.Anomaly;

/// <summary>How much data <see cref="SensorDataGenerator"/> makes and how often it injects faults.</summary>
public sealed record SensorDataOptions
{
    /// <summary>Same seed, same readings, on every run. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Number of simulated cooled rooms, one sensor box each. Default 100.</summary>
    public int Devices { get; init; } = 100;

    /// <summary>Length of each device's series. Default 5 days.</summary>
    public int Days { get; init; } = 5;

    /// <summary>Time between two readings of a device. Default 5 minutes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Probability that a reading carries a fault. Default 0.03.</summary>
    public double FaultRate { get; init; } = 0.03;

    /// <summary>First timestamp of every series (UTC). Default 2025-01-06T00:00Z, a Monday.</summary>
    public DateTimeOffset Start { get; init; } = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Readings per device.</summary>
    public int ReadingsPerDevice => (int)(TimeSpan.FromDays(Days).Ticks / Interval.Ticks);

    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Devices < 1)
            throw new ArgumentException($"{nameof(Devices)} must be at least 1 (was {Devices}).");
        if (Days < 1)
            throw new ArgumentException($"{nameof(Days)} must be at least 1 (was {Days}).");
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromHours(6))
            throw new ArgumentException($"{nameof(Interval)} must lie between 1 s and 6 h (was {Interval}).");
        if (FaultRate is < 0 or > 0.5 || double.IsNaN(FaultRate))
            throw new ArgumentException($"{nameof(FaultRate)} must lie between 0 and 0.5 (was {FaultRate}).");
        if (Start.Offset != TimeSpan.Zero)
            throw new ArgumentException($"{nameof(Start)} must be UTC (was {Start:O}).");
    }
}
