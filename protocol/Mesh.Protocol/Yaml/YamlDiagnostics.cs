namespace Mesh.Protocol.Yaml;

/// <summary>Collects the errors of one load; <see cref="Sorted"/> orders them by position, then by discovery.</summary>
internal sealed class YamlDiagnostics(string file)
{
    private readonly List<SourceError> _errors = [];

    public string File { get; } = file;

    public int Count => _errors.Count;

    public void Add(TextPosition at, string message) => _errors.Add(new SourceError(File, at.Line, at.Column, message));

    public void Add(YNode node, string message) => Add(node.At, message);

    // OrderBy is stable: errors at one position keep the order they were found in.
    public IReadOnlyList<SourceError> Sorted() => [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
}
