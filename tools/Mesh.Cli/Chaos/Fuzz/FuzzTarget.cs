namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// One kind of input under fuzz: a generator (valid seeds mutated, structured garbage, random bytes) and the
/// checks every input must pass. Generation depends only on the <see cref="Random"/> it is given, so an input is
/// reproduced from the run's seed and its index alone.
/// </summary>
public abstract class FuzzTarget<T>
{
    public abstract FuzzKind Kind { get; }

    public abstract T Generate(Random random);

    /// <summary>Feeds <paramref name="input"/> to the code under test. Throws only when that code throws.</summary>
    public abstract FuzzVerdict Check(T input);

    /// <summary>The input as one line a person can read and paste into a regression test.</summary>
    public abstract string Show(T input);
}
