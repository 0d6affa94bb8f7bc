using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Protocol.Devices;

/// <summary>
/// Device passwords and their hashes. A hash is PBKDF2-HMAC-SHA512 in Mosquitto 2's <c>$7$</c> form
/// (<c>$7$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 64-byte hash&gt;</c>), so the one devices file serves both the
/// node's embedded broker and a Mosquitto password file, and no password is ever stored in plain text.
/// </summary>
public static class DevicePassword
{
    /// <summary>Iterations of new hashes. Passwords are generated (192 random bits), so the count guards little that
    /// the entropy does not already; it is kept moderate so that a broker re-admitting thousands of devices after a
    /// restart is not held up by hashing (about 13 ms per device on one core of a small x64 box).</summary>
    public const int DefaultIterations = 20_000;

    /// <summary>Fewest iterations a stored hash may have (Mosquitto's own default, 101, is below it).</summary>
    public const int MinIterations = 1_000;

    /// <summary>Most iterations a stored hash may have: bounds the work one connection attempt can cost.</summary>
    public const int MaxIterations = 10_000_000;

    private const int SaltBytes = 12;
    private const int HashBytes = 64;
    private const string Prefix = "$7$";

    /// <summary>A new password: 24 random bytes, base64url (32 characters, no ':' or padding).</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>The <c>$7$</c> hash of <paramref name="password"/> with a new random salt.</summary>
    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/> (compared in fixed time); false
    /// also for a hash that is not well-formed.</summary>
    public static bool Verify(string password, string hash)
    {
        if (!TryParse(hash, out var iterations, out var salt, out var expected))
            return false;
        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), expected);
    }

    /// <summary>Why <paramref name="hash"/> is not a usable <c>$7$</c> hash, or null when it is.</summary>
    public static string? Check(string hash)
    {
        if (!hash.StartsWith(Prefix, StringComparison.Ordinal))
            return "expected a PBKDF2-SHA512 hash '$7$<iterations>$<salt>$<hash>' as 'mesh device add' writes it (never a plain-text password)";
        if (!TryParse(hash, out var iterations, out _, out _))
            return iterations is > 0 and (< MinIterations or > MaxIterations)
                ? $"{iterations} iterations is outside {MinIterations}..{MaxIterations}"
                : "the hash is not '$7$<iterations>$<base64 salt>$<base64 64-byte hash>'";
        return null;
    }

    private static bool TryParse(string hash, out int iterations, out byte[] salt, out byte[] digest)
    {
        iterations = 0;
        salt = digest = [];
        var parts = hash.Split('$');
        if (parts.Length != 5 || parts[0].Length != 0 || parts[1] != "7")
            return false;
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out iterations))
            return false;
        if (iterations is < MinIterations or > MaxIterations)
            return false;
        try
        {
            salt = Convert.FromBase64String(parts[3]);
            digest = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length > 0 && digest.Length == HashBytes;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
}
