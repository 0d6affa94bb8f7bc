namespace Mesh.Protocol.Yaml;

/// <summary>
/// The base of every builder that turns a <see cref="YNode"/> tree into a record (policy, hardware profile, model
/// manifest): typed readers that report what they expected and found, unknown keys with a "did you mean",
/// and missing required keys. Each builder reports every problem it finds, not just the first.
/// </summary>
internal abstract partial class YamlBuilder(YamlDiagnostics diagnostics)
{
    protected YamlDiagnostics Diagnostics { get; } = diagnostics;
}
