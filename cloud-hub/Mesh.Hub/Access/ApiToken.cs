using System.Security.Cryptography;
using System.Text;

namespace Mesh.Hub.Access;

/// <summary>API tokens: <c>mesh_</c> and 32 random bytes in base64url. The hub keeps only their SHA-256, which is
/// enough because a token has 256 bits of entropy (no salt or slow hash needed, unlike a password).</summary>
public static class ApiToken
{
    public const string Prefix = "mesh_";

    /// <summary>Longer bearer values are refused without hashing.</summary>
    public const int MaxLength = 256;

    public static string New() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lowercase hex SHA-256 of the token's UTF-8 text, as <c>Hub:Access:Tokens:&lt;n&gt;:Sha256</c> holds it.</summary>
    public static string Sha256Hex(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool IsSha256Hex(string? text) =>
        text is { Length: 64 } && text.All(char.IsAsciiHexDigit);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
