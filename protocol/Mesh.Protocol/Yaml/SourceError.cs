namespace Mesh.Protocol.Yaml;

/// <summary>A precise problem in a YAML file the protocol reads (hardware profile, model manifest): where (1-based
/// line and column) and what was expected. Renders as <c>file:line:column: message</c>.</summary>
public sealed record SourceError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
