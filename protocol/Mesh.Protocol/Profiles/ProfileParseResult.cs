using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

/// <summary>The outcome of loading one profile: a profile, or the errors (never both).</summary>
public sealed record ProfileParseResult(HardwareProfile? Profile, IReadOnlyList<SourceError> Errors)
{
    public bool Ok => Profile is not null;
}
