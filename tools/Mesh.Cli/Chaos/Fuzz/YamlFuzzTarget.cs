namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// A YAML file format's fuzz target: one input in ten a seed file as it is, one structured garbage made of the seeds'
/// keys, the rest a seed mutated (<see cref="YamlMutations"/>). Subclasses say what the loader must promise.
/// </summary>
public abstract class YamlFuzzTarget(IReadOnlyList<string> seeds) : FuzzTarget<string>
{
    private readonly IReadOnlyList<string> _keys = YamlMutations.KeysOf(seeds);

    public sealed override string Generate(Random random) => random.Next(10) switch
    {
        0 => seeds[random.Next(seeds.Count)],
        1 => YamlMutations.Garbage(_keys, random),
        _ => YamlMutations.Mutate(seeds[random.Next(seeds.Count)], _keys, seeds, random),
    };

    public sealed override string Show(string input) => YamlMutations.Show(input);
}
