namespace Mesh.Protocol.Yaml;

/// <summary>Character index to 1-based line and column, lines ended by '\n' (a '\r' before it is part of the line).</summary>
internal sealed class LineMap
{
    private readonly List<int> _starts = [0];

    public LineMap(string text)
    {
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
            _starts.Add(i + 1);
        Length = text.Length;
    }

    public int Length { get; }

    public TextPosition At(int index)
    {
        index = Math.Clamp(index, 0, Length);
        var line = _starts.BinarySearch(index);
        if (line < 0)
            line = ~line - 1;
        return new TextPosition(line + 1, index - _starts[line] + 1);
    }
}
