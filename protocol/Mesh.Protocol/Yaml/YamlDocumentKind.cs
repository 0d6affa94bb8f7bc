namespace Mesh.Protocol.Yaml;

/// <summary>What kind of file a reader is reading, for its messages: <paramref name="Noun"/> as in "a policy file
/// holds exactly one YAML document", <paramref name="Expected"/> as in "the file is empty; expected a policy mapping
/// with site, version and rules". <paramref name="MaxFileBytes"/> bounds the UTF-8 size of the text.</summary>
internal sealed record YamlDocumentKind(string Noun, string Expected, int MaxFileBytes);
