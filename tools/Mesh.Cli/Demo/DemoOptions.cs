namespace Mesh.Cli.Demo;

/// <summary>Settings of <c>mesh demo</c>.</summary>
public sealed record DemoOptions
{
    /// <summary>Simulated devices per site (two sites). Default 20.</summary>
    public int Devices { get; init; } = 20;

    /// <summary>Readings per second across all devices. Default 200.</summary>
    public double Rate { get; init; } = 200;

    /// <summary>How long the simulator publishes. Default 15 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Share of deliberately malformed payloads. Default 0.02.</summary>
    public double Malformed { get; init; } = 0.02;

    /// <summary>Where hub and nodes keep their files; default a new temporary directory, removed afterwards.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Nodes serving site-a as one Akka.Cluster (each its own process; one is killed with SIGKILL a quarter of the
    /// way through and started again half-way). Default 1: a single node, in this process.</summary>
    public int SiteNodes { get; init; } = 1;

    /// <summary>How long to wait for the hub to catch up after the simulator stops. Default 60 s.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
