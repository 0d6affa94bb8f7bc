using Mesh.Protocol.Profiles;
using Mesh.Protocol.Yaml;

namespace Mesh.Cli.Profile;

/// <summary><c>mesh profile validate</c>: local work on profile files. Errors are printed one per line as
/// <c>file:line:column: message</c>, the form editors and CI logs link to the place.</summary>
internal static class ProfileFilesConsole
{
    public static int Validate(IReadOnlyList<string> paths, TextWriter output)
    {
        var good = 0;
        var bad = 0;
        foreach (var path in paths)
        {
            var (profiles, errors) = Directory.Exists(path) ? LoadFolder(path) : LoadFile(path);
            // One line per file in file order: its "ok" or its errors (already sorted by position).
            var lines = profiles.Select(p => (File: p.Path, Text: Describe(p)))
                .Concat(errors.Select(e => (e.File, Text: e.ToString())))
                .OrderBy(l => l.File, StringComparer.Ordinal);
            foreach (var (_, text) in lines)
                output.WriteLine(text);
            good += profiles.Count;
            bad += errors.Count;
        }
        return bad == 0 && good > 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    /// <summary><c>ok FILE (ID, LOCATION, [PROVIDERS])</c>.</summary>
    public static string Describe(HardwareProfile profile) =>
        $"ok {profile.Path} ({profile.Id}, {ProfileNames.Of(profile.Location)}, [{string.Join(", ", profile.ExecutionProviders.Select(ExecutionProviders.Name))}])";

    private static (IReadOnlyList<HardwareProfile>, IReadOnlyList<SourceError>) LoadFolder(string folder)
    {
        var result = ProfileLoader.LoadFolder(folder);
        if (result.Profiles.Count == 0 && result.Errors.Count == 0)
            return ([], [new SourceError(folder, 1, 1, "no profiles (*.yaml files) in this folder")]);
        return (result.Profiles, result.Errors);
    }

    private static (IReadOnlyList<HardwareProfile>, IReadOnlyList<SourceError>) LoadFile(string file)
    {
        var result = ProfileLoader.LoadFile(file);
        return (result.Profile is { } profile ? [profile] : [], result.Errors);
    }
}
