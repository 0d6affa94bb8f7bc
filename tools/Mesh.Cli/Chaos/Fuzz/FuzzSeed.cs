namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>Derives the generator seed of each input from the run's seed and the input's index (SplitMix64), so
/// input <c>i</c> of seed <c>s</c> is the same on every machine and can be regenerated alone.</summary>
public static class FuzzSeed
{
    public static int ForInput(int runSeed, long index)
    {
        var z = unchecked((ulong)(uint)runSeed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return unchecked((int)z);
    }
}
