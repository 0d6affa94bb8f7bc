using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

/// <summary>
/// Parses and validates policy files (<c>policies/&lt;site&gt;.yaml</c>; format in <c>docs/POLICY.md</c>). Reports every
/// error it finds, each with a 1-based line and column, sorted by position; after a YAML syntax error nothing
/// more is checked. Pure: the same text always gives the same result.
/// </summary>
public static class PolicyLoader
{
    private static readonly YamlDocumentKind Kind =
        new("policy", "a policy mapping with site, version and rules", SitePolicy.MaxFileBytes);

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names the source in errors.</summary>
    public static PolicyParseResult Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        var diagnostics = new YamlDiagnostics(file);
        if (!YamlText.WithinLimit(text, Kind, diagnostics))
            return Failed(diagnostics);
        var root = YamlTreeReader.Read(text, Kind, diagnostics);
        var policy = root is null ? null : PolicyBuilder.Build(root, text, Sha256(text), diagnostics);
        return policy is not null && diagnostics.Count == 0
            ? new PolicyParseResult(policy, [])
            : Failed(diagnostics);
    }

    /// <summary>Reads and parses the file at <paramref name="path"/> (UTF-8, an initial byte order mark is skipped).
    /// Errors name the file as <paramref name="path"/> is written; a file that cannot be read is one error at 1:1.</summary>
    public static PolicyParseResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new YamlDiagnostics(path);
        return YamlText.ReadFile(path, Kind, diagnostics) is { } text ? Parse(text, path) : Failed(diagnostics);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>: what <see cref="SitePolicy.Sha256"/> holds.</summary>
    public static string Sha256(string text) => YamlText.Sha256(text);

    private static PolicyParseResult Failed(YamlDiagnostics diagnostics) =>
        new(null, [.. diagnostics.Sorted().Select(e => new PolicyError(e.File, e.Line, e.Column, e.Message))]);
}
