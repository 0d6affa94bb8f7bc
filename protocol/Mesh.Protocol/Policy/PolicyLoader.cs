namespace Mesh.Protocol.Policy;

/// <summary>Parses and validates policy files.</summary>
public static class PolicyLoader
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names the source in errors.</summary>
    public static PolicyParseResult Parse(string text, string file) =>
        throw new NotImplementedException("policy loader: being written");
}
