namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>The valid files fuzzing starts from: the repository's policies and hardware profiles, embedded in the CLI at build time.</summary>
public static class FuzzSeeds
{
    public static IReadOnlyList<string> Policies() => [.. Read("Mesh.Cli.Chaos.Seeds.policies."), .. Read("Mesh.Cli.Demo.site-a.yaml")];

    public static IReadOnlyList<string> Profiles() => Read("Mesh.Cli.Chaos.Seeds.profiles.");

    private static IReadOnlyList<string> Read(string prefix)
    {
        var assembly = typeof(FuzzSeeds).Assembly;
        var texts = new List<string>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            texts.Add(reader.ReadToEnd());
        }
        return texts.Count > 0 ? texts : throw new InvalidOperationException($"no fuzz seeds embedded under {prefix}");
    }
}
