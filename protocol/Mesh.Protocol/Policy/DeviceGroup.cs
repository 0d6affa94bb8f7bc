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

    /// <summary>Whether the device belongs to the group: its id matches one of <see cref="Devices"/> (or the list is
    /// empty) and <paramref name="attributes"/> hold every pair of <see cref="Attributes"/>.</summary>
    public bool Matches(string deviceId, IReadOnlyDictionary<string, string>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (Devices.Count > 0 && !Devices.Any(glob => DeviceGlob.IsMatch(glob, deviceId)))
            return false;
        foreach (var (key, value) in Attributes)
            if (attributes is null || !attributes.TryGetValue(key, out var actual) || actual != value)
                return false;
        return true;
    }
}
