namespace Mesh.Protocol.Models;

/// <summary>Every key of the model manifest format, per mapping. The loader refuses any other key.</summary>
public static class ManifestKeys
{
    public static readonly IReadOnlyList<string> Manifest =
    [
        "name", "version", "description", "file", "sha256", "source", "license", "inputs", "outputs",
        "preferred_providers", "latency_priors", "features", "score", "fallback", "fetch",
    ];

    /// <summary>The keys a manifest must have; the others are optional.</summary>
    public static readonly IReadOnlyList<string> Required =
        ["name", "version", "description", "file", "sha256", "source", "license", "inputs", "outputs"];

    public static readonly IReadOnlyList<string> Tensor = ["name", "type", "shape"];

    /// <summary>A feature holds exactly one of these.</summary>
    public static readonly IReadOnlyList<string> Feature = ["metric", "time"];

    public static readonly IReadOnlyList<string> Score = ["output", "name"];

    public static readonly IReadOnlyList<string> Fallback = ["skill", "confidence", "bands"];

    public static readonly IReadOnlyList<string> Fetch = ["npm", "path"];
}
