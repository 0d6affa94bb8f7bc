using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

/// <summary>The outcome of loading a folder of profiles: every valid profile (by file name), and the errors of the
/// others, sorted by file, line and column.</summary>
public sealed record ProfileFolderResult(IReadOnlyList<HardwareProfile> Profiles, IReadOnlyList<SourceError> Errors)
{
    public bool Ok => Errors.Count == 0;
}
