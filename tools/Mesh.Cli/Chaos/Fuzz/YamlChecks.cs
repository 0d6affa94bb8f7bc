namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>The promises every YAML loader makes, whatever the text: an answer or errors (never both nor neither),
/// each error positioned at a line and column inside the text (lines ended by '\n'; a column may be just past its line's end), sorted, naming the file.</summary>
internal static class YamlChecks
{
    public const string File = "fuzz.yaml";

    public static string? Errors(string text, bool accepted, IReadOnlyList<(string File, int Line, int Column, string Message)> errors)
    {
        if (accepted == errors.Count > 0)
            return accepted ? "accepted, with errors" : "refused without an error";
        var lines = text.Split('\n');
        (int, int) previous = (0, 0);
        foreach (var (file, line, column, message) in errors)
        {
            if (file != File)
                return $"an error names the file '{file}', not '{File}'";
            if (line < 1 || column < 1 || line > lines.Length || column > lines[line - 1].Length + 1)
                return $"an error without a position in the text ({line}:{column}; the text has {lines.Length} lines): {message}";
            if (string.IsNullOrWhiteSpace(message))
                return $"an error at {line}:{column} without a message";
            if ((line, column).CompareTo(previous) < 0)
                return $"errors not sorted by position ({line}:{column} after {previous.Item1}:{previous.Item2})";
            previous = (line, column);
        }
        return null;
    }
}
