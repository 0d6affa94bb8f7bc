namespace Mesh.Protocol.Profiles;

/// <summary>
/// Every key of the hardware profile format, per mapping, in the order <c>hardware-profiles/README.md</c> lists
/// them. All are required; the loader refuses any other key, and a test holds <c>hardware-profiles/schema.json</c>
/// to exactly these sets.
/// </summary>
public static class ProfileKeys
{
    public static readonly IReadOnlyList<string> Profile =
    [
        "id", "description", "location", "arch", "cpu", "memory", "accelerators", "execution_providers",
        "power", "cost", "network", "models",
    ];

    public static readonly IReadOnlyList<string> Cpu = ["cores", "model", "source"];

    public static readonly IReadOnlyList<string> Memory = ["mb", "source"];

    public static readonly IReadOnlyList<string> Accelerator = ["kind", "name", "memory_mb", "source"];

    public static readonly IReadOnlyList<string> Power = ["idle_watts", "load_watts", "source"];

    public static readonly IReadOnlyList<string> Cost = ["per_hour_usd", "per_1k_inferences_usd", "source"];

    public static readonly IReadOnlyList<string> Network = ["cloud_rtt_ms", "source"];

    /// <summary>A latency prior of one model on one execution provider.</summary>
    public static readonly IReadOnlyList<string> Latency = ["p50_ms", "p99_ms", "source"];
}
