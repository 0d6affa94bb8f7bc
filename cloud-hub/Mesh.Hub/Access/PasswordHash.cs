using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Hub.Access;

/// <summary>
/// Password hashes as configuration holds them: <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>
/// (salt and hash base64), PBKDF2-HMAC-SHA256 with a 16-byte random salt and a 32-byte hash. The string names its
/// algorithm and cost, so stronger settings later can verify older hashes.
/// </summary>
public static class PasswordHash
{
    public const string Algorithm = "pbkdf2-sha256";

    /// <summary>The fewest iterations accepted (OWASP's advice for PBKDF2-HMAC-SHA256).</summary>
    public const int MinIterations = 600_000;

    /// <summary>Above this a single login would take seconds and could be used to tie up the hub.</summary>
    public const int MaxIterations = 10_000_000;

    public const int SaltBytes = 16;
    public const int HashBytes = 32;

    /// <summary>Passwords longer than this are refused unhashed: PBKDF2's cost grows with it for no gain.</summary>
    public const int MaxPasswordLength = 1024;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    public static string Create(string password, int iterations = MinIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        if (password.Length is 0 or > MaxPasswordLength)
            throw new ArgumentException($"a password must have 1-{MaxPasswordLength} characters", nameof(password));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Algorithm}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="password"/> matches; false for a wrong password or a malformed hash.
    /// The comparison takes the same time wherever the bytes differ.</summary>
    public static bool Verify(string password, string encoded)
    {
        if (!TryParse(encoded, out var parsed, out _) || password.Length is 0 or > MaxPasswordLength)
            return false;
        var actual = Derive(password, parsed.Salt, parsed.Iterations);
        return CryptographicOperations.FixedTimeEquals(actual, parsed.Hash);
    }

    /// <summary>Parses a hash string; <paramref name="problem"/> says what is wrong with a malformed one.</summary>
    public static bool TryParse(string? encoded, out ParsedPasswordHash parsed, out string problem)
    {
        parsed = default;
        var parts = (encoded ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm)
        {
            problem = $"is not '{Algorithm}$<iterations>$<salt>$<hash>' (make one with 'mesh access hash-password')";
            return false;
        }
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < MinIterations or > MaxIterations)
        {
            problem = $"iterations '{parts[1]}' are outside {MinIterations}..{MaxIterations}";
            return false;
        }
        var salt = FromBase64(parts[2]);
        if (salt is null || salt.Length < SaltBytes)
        {
            problem = $"the salt is not base64 of at least {SaltBytes} bytes";
            return false;
        }
        var hash = FromBase64(parts[3]);
        if (hash is null || hash.Length != HashBytes)
        {
            problem = $"the hash is not base64 of {HashBytes} bytes";
            return false;
        }
        parsed = new ParsedPasswordHash(iterations, salt, hash);
        problem = "";
        return true;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static byte[]? FromBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>The parts of a valid <see cref="PasswordHash"/> string.</summary>
public readonly record struct ParsedPasswordHash(int Iterations, byte[] Salt, byte[] Hash);
