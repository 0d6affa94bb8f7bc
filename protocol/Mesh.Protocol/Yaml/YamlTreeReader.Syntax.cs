namespace Mesh.Protocol.Yaml;

internal sealed partial class YamlTreeReader
{
    // A tab in indentation is the most common YAML mistake, and the parser often reports it far from the tab
    // (at the enclosing mapping): point at the tab itself.
    private static void AddSyntaxError(string text, TextPosition at, string message, YamlDiagnostics diagnostics)
    {
        if (FirstIndentationTab(text) is { } tab)
            diagnostics.Add(tab, "tab character in indentation; YAML indents with spaces only");
        else
            diagnostics.Add(at, message);
    }

    /// <summary>The first tab in the indentation of a line that has content (blank and comment lines may hold tabs).</summary>
    private static TextPosition? FirstIndentationTab(string text)
    {
        var line = 1;
        var column = 1;
        TextPosition? tab = null;
        var inIndent = true;
        foreach (var c in text)
        {
            if (c is '\n' or '\r')
            {
                line += c == '\n' ? 1 : 0;
                column = c == '\n' ? 1 : column + 1;
                tab = null;
                inIndent = true;
                continue;
            }
            if (inIndent)
            {
                if (c == '\t')
                    tab ??= new TextPosition(line, column);
                else if (c != ' ')
                {
                    if (tab is not null && c != '#')
                        return tab;
                    inIndent = false;
                }
            }
            column++;
        }
        return null;
    }
}
