namespace Mesh.Protocol.Profiles;

// The groups of a hardware profile. Each holds figures and says where they come from: Source names a datasheet,
// a price list or a measurement, or starts with "estimate:" and gives the reasoning.

/// <summary>The CPU: logical cores available to the node and the model name.</summary>
public sealed record CpuSpec(int Cores, string Model, string Source);

/// <summary>System memory available to the node, MiB.</summary>
public sealed record MemorySpec(int Mb, string Source);

/// <summary>One inference accelerator: how ONNX Runtime reaches it, its name, its own memory in MiB (0 when it
/// shares system memory).</summary>
public sealed record AcceleratorSpec(AcceleratorKind Kind, string Name, int MemoryMb, string Source);

/// <summary>Electrical power of the box, idle and under inference load, watts.</summary>
public sealed record PowerSpec(double IdleWatts, double LoadWatts, string Source);

/// <summary>What the box costs: per hour of running (price list, or purchase price amortised) and the marginal cost
/// of 1000 inferences, USD.</summary>
public sealed record CostSpec(double PerHourUsd, double Per1kInferencesUsd, string Source);

/// <summary>Round-trip time to the other side: from an edge box to the nearest cloud region, from a cloud box to the
/// edge sites, ms.</summary>
public sealed record NetworkSpec(double CloudRttMs, string Source);

/// <summary>Prior latency of one inference (batch of one) of a model on an execution provider, ms.</summary>
public sealed record LatencyPrior(double P50Ms, double P99Ms, string Source);
