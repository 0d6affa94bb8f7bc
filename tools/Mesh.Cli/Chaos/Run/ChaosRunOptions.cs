namespace Mesh.Cli.Chaos.Run;

/// <summary>Bounds of one <c>mesh chaos run</c>: how long, how many nodes and devices, how often a fault strikes.</summary>
public sealed record ChaosRunOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public int Nodes { get; init; } = 2;

    public int DevicesPerNode { get; init; } = 5;

    /// <summary>Readings per second per node.</summary>
    public double Rate { get; init; } = 25;

    /// <summary>Share of malformed readings the simulator sends (each must be refused with its reason).</summary>
    public double Malformed { get; init; } = 0.02;

    public TimeSpan FaultEvery { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>How long a partition lasts before it heals.</summary>
    public TimeSpan PartitionFor { get; init; } = TimeSpan.FromSeconds(3);

    public int Seed { get; init; } = 1;

    /// <summary>Exactly this many rounds of faults (each a node kill, a partition and a hub kill), however long they take;
    /// null: faults until the duration is up.</summary>
    public int? Rounds { get; init; }

    /// <summary>Where the hub's and nodes' files go; null: a temporary folder removed at the end.</summary>
    public string? DataDirectory { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Duration < TimeSpan.FromSeconds(5) || Duration > TimeSpan.FromHours(24))
            errors.Add("--duration must be 5 s .. 24 h");
        if (Nodes is < 1 or > 8)
            errors.Add("--nodes must be 1..8");
        if (DevicesPerNode is < 1 or > 100)
            errors.Add("--devices must be 1..100");
        if (Rate is <= 0 or > 1000)
            errors.Add("--rate must be in (0, 1000]");
        if (Malformed is < 0 or > 0.5)
            errors.Add("--malformed must be 0..0.5");
        if (Rounds is < 1 or > 1000)
            errors.Add("--rounds must be 1..1000");
        if (FaultEvery < TimeSpan.FromSeconds(1))
            errors.Add("--fault-every must be at least 1 s");
        return errors;
    }
}
