using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Models;

/// <summary>
/// Parses and validates model manifests (<c>models/&lt;name&gt;/manifest.yaml</c>). Reports every error it finds as
/// <c>file:line:column: message</c>, sorted by position; after a YAML syntax error nothing more is checked.
/// <see cref="Write"/> renders a manifest as text that <see cref="Parse"/> reads back to the same content.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Largest manifest accepted, bytes of UTF-8.</summary>
    public const int MaxFileBytes = 64 * 1024;

    private static readonly YamlDocumentKind Kind = new(
        "manifest", "a model manifest mapping with " + string.Join(", ", ManifestKeys.Required), MaxFileBytes);

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names the source in errors.</summary>
    public static ManifestParseResult Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        var diagnostics = new YamlDiagnostics(file);
        if (!YamlText.WithinLimit(text, Kind, diagnostics))
            return new ManifestParseResult(null, diagnostics.Sorted());
        var root = YamlTreeReader.Read(text, Kind, diagnostics);
        var manifest = root is null ? null : ManifestBuilder.Build(root, diagnostics);
        return manifest is not null && diagnostics.Count == 0
            ? new ManifestParseResult(manifest, [])
            : new ManifestParseResult(null, diagnostics.Sorted());
    }

    /// <summary>Reads and parses the file at <paramref name="path"/> (UTF-8, an initial byte order mark is skipped) and
    /// sets <see cref="ModelManifest.Path"/>. A file that cannot be read is one error at 1:1.</summary>
    public static ManifestParseResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new YamlDiagnostics(path);
        if (YamlText.ReadFile(path, Kind, diagnostics) is not { } text)
            return new ManifestParseResult(null, diagnostics.Sorted());
        var result = Parse(text, path);
        return result.Manifest is { } manifest ? result with { Manifest = manifest with { Path = path } } : result;
    }

    /// <summary>The manifest as YAML text (every string quoted, optional parts only when present).</summary>
    public static string Write(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return ManifestWriter.Write(manifest);
    }
}
