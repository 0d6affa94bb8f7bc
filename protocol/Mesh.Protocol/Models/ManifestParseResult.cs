using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Models;

/// <summary>The outcome of loading a model manifest: a manifest, or the errors (never both).</summary>
public sealed record ManifestParseResult(ModelManifest? Manifest, IReadOnlyList<SourceError> Errors)
{
    public bool Ok => Manifest is not null;
}
