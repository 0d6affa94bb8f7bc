using System.Text.RegularExpressions;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>Reduces a rejection message to its reason: quoted parts, numbers and positions taken out, so that
/// "metric 'a' appears twice" and "metric 'b' appears twice" count as one reason.</summary>
public static partial class FuzzReasons
{
    public static string Category(string message)
    {
        var text = Timestamp().Replace(message, "TIME");
        text = Quoted().Replace(text, "'…'");
        text = Numbers().Replace(text, "N");
        return text.Length <= 90 ? text : text[..90] + "…";
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex Timestamp();

    [GeneratedRegex("'[^']*'|\"[^\"]*\"|\\([^)]*\\)")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?<![A-Za-z-])\d+(\.\d+)?")]
    private static partial Regex Numbers();
}
