using System.Text.RegularExpressions;

namespace Mesh.Protocol.Models;

/// <summary>The lexical rules of a model manifest, and the words that spell its enumerations.</summary>
public static partial class ManifestNames
{
    /// <summary>Completes "'x' is not a valid model name: …".</summary>
    public const string NameRule = "1-128 characters of A-Z, a-z, 0-9, '_', '.' and '-', starting with a letter or digit";

    /// <summary>Tensor element type words, in <see cref="TensorElement"/> order.</summary>
    public static readonly IReadOnlyList<string> Elements = ["float32", "float64", "int64", "int32", "bool"];

    /// <summary>Time feature words, in <see cref="TimeFeature"/> order.</summary>
    public static readonly IReadOnlyList<string> TimeFeatures = ["hour_sin", "hour_cos"];

    /// <summary>The deterministic fallback skills (only one so far).</summary>
    public static readonly IReadOnlyList<string> FallbackSkills = ["bands"];

    /// <summary>A model name: <c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$</c> (also the key of a profile's model priors).</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>A semantic version <c>MAJOR.MINOR.PATCH</c>, without leading zeros.</summary>
    public static bool IsValidVersion(string version) => VersionPattern().IsMatch(version);

    /// <summary>64 lower-case hex characters.</summary>
    public static bool IsValidSha256(string sha256) => Sha256Pattern().IsMatch(sha256);

    /// <summary>A file name in the manifest's own folder: no path separators, no '..', no control characters.</summary>
    public static bool IsValidFileName(string file) =>
        file.Length is > 0 and <= 255 && file is not "." && !file.Contains('/', StringComparison.Ordinal)
        && !file.Contains('\\', StringComparison.Ordinal) && !file.Contains("..", StringComparison.Ordinal) && !file.Any(char.IsControl);

    /// <summary>An exact npm package: <c>name@version</c> or <c>@scope/name@version</c>.</summary>
    public static bool IsValidNpmPackage(string package) => package.Length <= 256 && NpmPattern().IsMatch(package);

    /// <summary>A relative path inside a package: '/'-separated, no empty, '.' or '..' segment, no backslash.</summary>
    public static bool IsValidPackagePath(string path) =>
        path.Length is > 0 and <= 256 && !path.Contains('\\', StringComparison.Ordinal) && !path.Any(char.IsControl)
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));

    public static string Of(TensorElement element) => Elements[(int)element];

    public static string Of(TimeFeature feature) => TimeFeatures[(int)feature];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9a-f]{64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*@[0-9A-Za-z][0-9A-Za-z.+-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NpmPattern();
}
