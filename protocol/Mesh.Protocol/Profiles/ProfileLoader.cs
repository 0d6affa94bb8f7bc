using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

/// <summary>
/// Parses and validates hardware profiles (<c>hardware-profiles/&lt;id&gt;.yaml</c>; format in
/// <c>hardware-profiles/README.md</c>). Reports every error it finds as <c>file:line:column: message</c>, sorted by
/// position; after a YAML syntax error nothing more is checked. <see cref="Write"/> renders a profile as text that
/// <see cref="Parse"/> reads back equal.
/// </summary>
public static class ProfileLoader
{
    private const string Extension = ".yaml";

    private static readonly YamlDocumentKind Kind = new(
        "profile", "a hardware profile mapping with " + string.Join(", ", ProfileKeys.Profile), HardwareProfile.MaxFileBytes);

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names the source in errors. The id is not
    /// compared with <paramref name="file"/> (see <see cref="LoadFile"/>).</summary>
    public static ProfileParseResult Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        return ParseChecked(text, file, null);
    }

    /// <summary>Reads and parses the file at <paramref name="path"/> (UTF-8, an initial byte order mark is skipped);
    /// the profile's id must equal the file name without its extension. Errors name the file as
    /// <paramref name="path"/> is written; a file that cannot be read is one error at 1:1.</summary>
    public static ProfileParseResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new YamlDiagnostics(path);
        if (YamlText.ReadFile(path, Kind, diagnostics) is not { } text)
            return new ProfileParseResult(null, diagnostics.Sorted());
        var result = ParseChecked(text, path, System.IO.Path.GetFileNameWithoutExtension(path));
        return result.Profile is { } profile ? result with { Profile = profile with { Path = path } } : result;
    }

    /// <summary>Loads every <c>*.yaml</c> file directly in <paramref name="directory"/> (the README and the schema
    /// are not profiles), in ordinal order of file name.</summary>
    public static ProfileFolderResult LoadFolder(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string[] files;
        try
        {
            files = Directory.GetFiles(directory, "*" + Extension);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            var diagnostics = new YamlDiagnostics(directory);
            diagnostics.Add(TextPosition.Start, $"cannot read the folder: {ex.Message}");
            return new ProfileFolderResult([], diagnostics.Sorted());
        }
        var profiles = new List<HardwareProfile>();
        var errors = new List<SourceError>();
        // GetFiles with "*.yaml" also matches "*.yamlx" on some platforms: keep the exact extension only.
        foreach (var file in files.Where(f => f.EndsWith(Extension, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var result = LoadFile(file);
            if (result.Profile is { } profile)
                profiles.Add(profile);
            errors.AddRange(result.Errors);
        }
        return new ProfileFolderResult(profiles, errors);
    }

    /// <summary>The profile as YAML text in the documented format (every string quoted, figures in round-trip form).</summary>
    public static string Write(HardwareProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return ProfileWriter.Write(profile);
    }

    private static ProfileParseResult ParseChecked(string text, string file, string? expectedId)
    {
        var diagnostics = new YamlDiagnostics(file);
        if (!YamlText.WithinLimit(text, Kind, diagnostics))
            return new ProfileParseResult(null, diagnostics.Sorted());
        var root = YamlTreeReader.Read(text, Kind, diagnostics);
        var profile = root is null ? null : ProfileBuilder.Build(root, expectedId, diagnostics);
        return profile is not null && diagnostics.Count == 0
            ? new ProfileParseResult(profile with { Sha256 = YamlText.Sha256(text) }, [])
            : new ProfileParseResult(null, diagnostics.Sorted());
    }
}
