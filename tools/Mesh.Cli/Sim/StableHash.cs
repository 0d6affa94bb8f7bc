using System.Text;

namespace Mesh.Cli.Sim;

/// <summary>Seeded hashing that gives the same numbers on every run and platform
/// (<see cref="string.GetHashCode()"/> is randomised per process, so it cannot be used).</summary>
internal static class StableHash
{
    /// <summary>A 64-bit key for one device of one run: FNV-1a over the seed, site and device, then mixed.</summary>
    public static ulong Of(int seed, string site, string device)
    {
        var h = 0xcbf29ce484222325UL;
        foreach (var b in BitConverter.GetBytes(seed))
            h = (h ^ b) * 0x100000001b3UL;
        foreach (var b in Encoding.UTF8.GetBytes(site + "\0" + device))
            h = (h ^ b) * 0x100000001b3UL;
        return Mix(h);
    }

    /// <summary>A uniform number in [0, 1) for (key, index, salt).</summary>
    public static double Unit(ulong key, long index, ulong salt) =>
        (Mix(key ^ Mix(unchecked((ulong)index * 0x9E3779B97F4A7C15UL + salt))) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The SplitMix64 finaliser.</summary>
    public static ulong Mix(ulong x)
    {
        unchecked
        {
            x ^= x >> 30;
            x *= 0xbf58476d1ce4e5b9UL;
            x ^= x >> 27;
            x *= 0x94d049bb133111ebUL;
            return x ^ (x >> 31);
        }
    }
}
