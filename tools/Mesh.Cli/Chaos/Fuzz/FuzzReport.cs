namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>The outcome of a fuzz run: counts, rejections by reason, speed, and the first failure (null when none).</summary>
public sealed record FuzzReport(
    FuzzKind Kind,
    int Seed,
    long Start,
    long Inputs,
    long Accepted,
    long Rejected,
    TimeSpan Elapsed,
    TimeSpan SlowestInput,
    IReadOnlyList<KeyValuePair<string, long>> TopReasons,
    FuzzFailure? Failure)
{
    public bool Passed => Failure is null;

    public double InputsPerSecond => Elapsed > TimeSpan.Zero ? Inputs / Elapsed.TotalSeconds : 0;
}

/// <summary>An input that broke a promise, with everything needed to run it again.</summary>
public sealed record FuzzFailure(FuzzKind Kind, int Seed, long Index, string Problem, string Input)
{
    public string Rerun => $"mesh chaos fuzz --kind {Kind.ToString().ToLowerInvariant()} --seed {Seed} --start {Index} --count 1";

    public override string ToString() =>
        $"fuzz {Kind.ToString().ToLowerInvariant()}: input #{Index} of seed {Seed} failed: {Problem}\n  input: {Input}\n  rerun: {Rerun}";
}
