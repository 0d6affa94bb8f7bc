namespace Mesh.Protocol.Policy;

/// <summary>The JSON Schema (draft 2020-12) of policy files: <c>docs/policy.schema.json</c>, embedded at build time.
/// For editors and other tools; the loader's own checks are stricter (cross-references, duplicate ids).</summary>
public static class PolicySchema
{
    /// <summary>The resource's name in the Mesh.Protocol assembly.</summary>
    public const string ResourceName = "Mesh.Protocol.Policy.policy.schema.json";

    private static readonly Lazy<string> Text = new(Load);

    /// <summary>The schema text, exactly as published.</summary>
    public static string Json => Text.Value;

    private static string Load()
    {
        using var stream = typeof(PolicySchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the policy schema resource '{ResourceName}' is missing from {typeof(PolicySchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
