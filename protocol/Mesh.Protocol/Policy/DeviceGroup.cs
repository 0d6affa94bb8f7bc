namespace Mesh.Protocol.Policy;

/// <summary>
/// A named set of devices: those whose id matches one of <see cref="Devices"/> (globs: <c>*</c> any run of
/// characters, <c>?</c> one character) and whose configured attributes include every pair of
/// <see cref="Attributes"/>. An empty <see cref="Devices"/> matches every id.
/// </summary>
public sealed record DeviceGroup
{
    public required string Id { get; init; }

    public IReadOnlyList<string> Devices { get; init; } = [];

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Skills (models or deterministic skills) that run for the group's devices.</summary>
    public IReadOnlyList<string> Skills { get; init; } = [];
}
