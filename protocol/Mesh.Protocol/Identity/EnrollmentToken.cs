using System.Security.Cryptography;
using System.Text;

namespace Mesh.Protocol.Identity;

/// <summary>
/// A one-time enrollment token as an admin hands it to a node: <c>&lt;secret&gt;.&lt;ca-sha256&gt;</c>. The secret (32 random
/// bytes, base64url) is what the hub checks; it stores only its SHA-256. The second part is the SHA-256 of the hub's CA
/// certificate (lower-case hex), so a node with no prior trust can check that the TLS server it enrolls with is that
/// hub's (as kubeadm's discovery hash does). Parsing is pure: it says what is wrong and where.
/// </summary>
public sealed record EnrollmentToken(string Secret, string CaFingerprint)
{
    public const int SecretBytes = 32;
    private const int SecretChars = 43; // base64url of 32 bytes, unpadded
    private const int FingerprintChars = 64;

    /// <summary>A new token for the CA whose DER certificate hashes to <paramref name="caFingerprint"/>.</summary>
    public static EnrollmentToken Create(string caFingerprint) =>
        new(Base64Url(RandomNumberGenerator.GetBytes(SecretBytes)), caFingerprint);

    public override string ToString() => $"{Secret}.{CaFingerprint}";

    /// <summary>SHA-256 of the secret, lower-case hex: the only form the hub keeps.</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>SHA-256 of a DER certificate, lower-case hex: what the token's second part holds for the CA.</summary>
    public static string FingerprintOf(ReadOnlySpan<byte> certificateDer) => Convert.ToHexStringLower(SHA256.HashData(certificateDer));

    /// <summary>Reads a token; on failure <paramref name="error"/> says what is wrong with which part.</summary>
    public static EnrollmentToken? Parse(string? text, out string? error)
    {
        error = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "the enrollment token is empty: ask an admin for one (mesh node token --site S --node N)";
            return null;
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || text.IndexOf('.', dot + 1) >= 0)
        {
            error = "an enrollment token has two parts separated by one '.': <secret>.<ca-sha256>";
            return null;
        }
        var secret = text[..dot];
        var fingerprint = text[(dot + 1)..];
        if (secret.Length != SecretChars || !secret.All(IsBase64Url))
        {
            error = $"the token's secret (part 1, column 1) must be {SecretChars} base64url characters; got {secret.Length} characters";
            return null;
        }
        if (fingerprint.Length != FingerprintChars || !fingerprint.All(char.IsAsciiHexDigitLower))
        {
            error = $"the token's CA fingerprint (part 2, column {dot + 2}) must be {FingerprintChars} lower-case hex digits (SHA-256); got '{fingerprint}'";
            return null;
        }
        return new EnrollmentToken(secret, fingerprint);
    }

    private static bool IsBase64Url(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
