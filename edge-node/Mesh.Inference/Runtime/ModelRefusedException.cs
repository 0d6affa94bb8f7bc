using Mesh.Protocol.Models;

namespace Mesh.Inference.Runtime;

/// <summary>A model the node will not serve: its file is missing, its hash or shapes differ from the manifest, or the
/// runtime cannot load it. The message says which model, which file and what is wrong.</summary>
public sealed class ModelRefusedException(ModelManifest manifest, string problem)
    : Exception($"{Where(manifest)}: model {manifest.Name} {manifest.Version} refused: {problem}")
{
    public ModelManifest Manifest { get; } = manifest;

    public string Problem { get; } = problem;

    private static string Where(ModelManifest m) => m.Path.Length > 0 ? m.Path : m.Name;
}
