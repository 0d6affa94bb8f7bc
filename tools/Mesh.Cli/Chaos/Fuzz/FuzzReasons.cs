using System.Text.RegularExpressions;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>Reduces a rejection message to its reason: quoted parts, numbers and positions taken out, so that
/// "metric 'a' appears twice" and "metric 'b' appears twice" count as one reason.</summary>
public static partial class FuzzReasons
{
    public static string Category(string message)
    {
        var text = Quoted().Replace(message, "'…'");
        text = Numbers().Replace(text, "N");
        return text.Length <= 90 ? text : text[..90] + "…";
    }

    [GeneratedRegex("'[^']*'|\"[^\"]*\"|\\([^)]*\\)")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?<![A-Za-z-])\d+(\.\d+)?")]
    private static partial Regex Numbers();
}
