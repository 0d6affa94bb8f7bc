using System.Text;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>Byte-level edits of a valid input (flip, insert, delete, duplicate, splice in invalid UTF-8) and plain random bytes.</summary>
public static class ByteMutations
{
    private static readonly byte[][] Interesting =
    [
        [0x00], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x80], [0xEF, 0xBB, 0xBF], [(byte)'"'],
        [(byte)'\\'], [(byte)'{'], [(byte)'}'], [(byte)'['], [(byte)','], [(byte)':'], [(byte)'/', (byte)'/'], [(byte)'\n'],
    ];

    public static byte[] Mutate(byte[] input, Random r, int edits)
    {
        var bytes = new List<byte>(input);
        for (var e = 0; e < edits; e++)
        {
            var at = bytes.Count == 0 ? 0 : r.Next(bytes.Count);
            switch (r.Next(6))
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << r.Next(8)); break;
                case 1 when bytes.Count > 0: bytes.RemoveRange(at, Math.Min(r.Next(1, 8), bytes.Count - at)); break;
                case 2: bytes.InsertRange(at, Interesting[r.Next(Interesting.Length)]); break;
                case 3 when bytes.Count > 0: bytes[at] = (byte)r.Next(256); break;
                case 4 when bytes.Count > 0:
                    var from = r.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(r.Next(1, 24), bytes.Count - from)));
                    break;
                default: bytes.Insert(at, (byte)r.Next(0x20, 0x7F)); break;
            }
        }
        return [.. bytes];
    }

    public static byte[] RandomBytes(Random r)
    {
        var length = r.Next(10) == 0 ? r.Next(8 * 1024 - 4, 8 * 1024 + 8) : r.Next(0, 64);
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Printable ASCII as is, everything else as \xNN: one line, exact, and pasteable.</summary>
    public static string Show(byte[] input)
    {
        var sb = new StringBuilder(input.Length + 16);
        foreach (var b in input.Take(2048))
            sb.Append(b is >= 0x20 and < 0x7F && b != (byte)'\\' ? (char)b : $"\\x{b:X2}");
        if (input.Length > 2048)
            sb.Append($"… ({input.Length} bytes)");
        return sb.ToString();
    }
}
