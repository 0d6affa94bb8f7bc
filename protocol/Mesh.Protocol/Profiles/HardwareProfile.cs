namespace Mesh.Protocol.Profiles;

/// <summary>
/// What one kind of box offers the router (<c>hardware-profiles/&lt;id&gt;.yaml</c>; format in
/// <c>hardware-profiles/README.md</c>): compute, accelerators, ONNX Runtime execution providers in order of
/// preference (CPU last), power, cost, network distance, and latency priors per model and provider. Every figure
/// names its source or says it is an estimate. Immutable; equal when the content is equal (<see cref="Sha256"/>
/// and <see cref="Path"/> say where it came from and take no part in equality).
/// </summary>
public sealed record HardwareProfile(
    string Id,
    string Description,
    ProfileLocation Location,
    CpuArchitecture Arch,
    CpuSpec Cpu,
    MemorySpec Memory,
    IReadOnlyList<AcceleratorSpec> Accelerators,
    IReadOnlyList<ExecutionProvider> ExecutionProviders,
    PowerSpec Power,
    CostSpec Cost,
    NetworkSpec Network,
    IReadOnlyDictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>> Models)
{
    /// <summary>Largest profile file accepted, bytes of UTF-8.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Lower-case hex SHA-256 of the file text the profile was parsed from; empty when built in code.</summary>
    public string Sha256 { get; init; } = "";

    /// <summary>The file the profile was loaded from (for messages); empty when parsed from text or built in code.</summary>
    public string Path { get; init; } = "";

    /// <summary>Marginal cost of one inference, USD.</summary>
    public double CostPerInferenceUsd => Cost.Per1kInferencesUsd / 1000;

    /// <summary>The latency prior of <paramref name="model"/> on <paramref name="provider"/>, or null when the profile has none.</summary>
    public LatencyPrior? Prior(string model, ExecutionProvider provider) =>
        Models.TryGetValue(model, out var priors) && priors.TryGetValue(provider, out var prior) ? prior : null;

    public bool Equals(HardwareProfile? other) =>
        other is not null
        && (Id, Description, Location, Arch, Cpu, Memory, Power, Cost, Network)
            == (other.Id, other.Description, other.Location, other.Arch, other.Cpu, other.Memory, other.Power, other.Cost, other.Network)
        && Accelerators.SequenceEqual(other.Accelerators)
        && ExecutionProviders.SequenceEqual(other.ExecutionProviders)
        && SameModels(Models, other.Models);

    public override int GetHashCode() => HashCode.Combine(Id, Description, Location, Cpu, Memory, Accelerators.Count, ExecutionProviders.Count, Models.Count);

    private static bool SameModels(
        IReadOnlyDictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>> a,
        IReadOnlyDictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>> b) =>
        a.Count == b.Count
        && a.All(model => b.TryGetValue(model.Key, out var other)
            && model.Value.Count == other.Count
            && model.Value.All(p => other.TryGetValue(p.Key, out var prior) && prior == p.Value));
}
