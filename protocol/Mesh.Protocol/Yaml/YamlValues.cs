using System.Text.RegularExpressions;

namespace Mesh.Protocol.Yaml;

/// <summary>What a YAML scalar means under the YAML 1.2 core schema: only plain scalars are null, booleans or
/// numbers; quoted and block scalars are always strings.</summary>
internal static partial class YamlValues
{
    public static bool IsNull(YScalar s) => s.Plain && s.Value is "" or "~" or "null" or "Null" or "NULL";

    public static bool? AsBoolean(YScalar s) => !s.Plain ? null : s.Value switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    public static bool IsInteger(YScalar s) => s.Plain && IntegerPattern().IsMatch(s.Value);

    public static bool IsNumber(YScalar s) => s.Plain && (FloatPattern().IsMatch(s.Value) || IsNonFinite(s));

    /// <summary><c>.inf</c>, <c>-.inf</c>, <c>.nan</c> and their spellings.</summary>
    public static bool IsNonFinite(YScalar s) => s.Plain && NonFinitePattern().IsMatch(s.Value);

    /// <summary>How an error names what it found: "a mapping", "the number 3.5", "the string 'abc'".</summary>
    public static string Describe(YNode node) => node switch
    {
        YMapping => "a mapping",
        YSequence => "a sequence",
        YScalar s when IsNull(s) => "nothing (null)",
        YScalar s when AsBoolean(s) is { } b => $"the boolean {(b ? "true" : "false")}",
        YScalar s when IsNumber(s) => $"the number {s.Value}",
        YScalar s => $"the string '{Shorten(s.Value)}'",
        _ => "an invalid value",
    };

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..37] + "...";

    [GeneratedRegex(@"^[-+]?[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))\z", RegexOptions.CultureInvariant)]
    private static partial Regex NonFinitePattern();
}
