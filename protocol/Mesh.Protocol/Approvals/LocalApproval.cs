using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mesh.Protocol.Approvals;

/// <summary>
/// A person's decision on an approval made at the site while the hub is unreachable (the policy's
/// <c>offline: approve_locally</c>), published to the node's broker on <see cref="Topic"/>. It proves knowledge
/// of the site token without carrying it: <see cref="Signature"/> is HMAC-SHA256 under the token over every
/// other field. The node answers on <see cref="ResultTopic"/>.
/// </summary>
public sealed record LocalApproval(string ApprovalId, bool Approved, string By, string Comment, long IssuedAtMs, string Signature)
{
    /// <summary>Largest payload accepted.</summary>
    public const int MaxBytes = 4096;

    /// <summary>Shortest site token a node accepts.</summary>
    public const int MinTokenLength = 16;

    public static string Topic(SiteId site) => $"mesh-local/{site}/approvals";

    public static string ResultTopic(SiteId site, string approvalId) => $"mesh-local/{site}/approvals/{approvalId}/result";

    public static LocalApproval Create(string siteToken, string approvalId, bool approved, string by, string comment, DateTimeOffset issuedAt)
    {
        var ms = issuedAt.ToUnixTimeMilliseconds();
        return new LocalApproval(approvalId, approved, by, comment, ms, Sign(siteToken, approvalId, approved, by, comment, ms));
    }

    public bool Verify(string siteToken)
    {
        var expected = Sign(siteToken, ApprovalId, Approved, By, Comment, IssuedAtMs);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Signature));
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["approvalId"] = ApprovalId,
        ["approved"] = Approved,
        ["by"] = By,
        ["comment"] = Comment,
        ["issuedAt"] = IssuedAtMs,
        ["signature"] = Signature,
    });

    /// <exception cref="MeshProtocolException">The payload is not a local approval; the message says what is wrong.</exception>
    public static LocalApproval Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxBytes)
            throw new MeshProtocolException($"local approval is {payload.Length} bytes; the limit is {MaxBytes}");
        try
        {
            using var doc = JsonDocument.Parse(payload.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new MeshProtocolException("local approval must be a JSON object");
            return new LocalApproval(
                Text(root, "approvalId"),
                root.TryGetProperty("approved", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? a.GetBoolean() : throw new MeshProtocolException("local approval: 'approved' must be true or false"),
                Text(root, "by"),
                root.TryGetProperty("comment", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "",
                root.TryGetProperty("issuedAt", out var t) && t.TryGetInt64(out var ms) ? ms : throw new MeshProtocolException("local approval: 'issuedAt' must be Unix milliseconds"),
                Text(root, "signature"));
        }
        catch (JsonException ex)
        {
            throw new MeshProtocolException($"local approval is not JSON: {ex.Message}");
        }
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 256 } s
            ? s
            : throw new MeshProtocolException($"local approval: '{name}' must be a string of 1-256 characters");

    private static string Sign(string siteToken, string approvalId, bool approved, string by, string comment, long issuedAtMs)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"mesh-local-approval/v1\n{approvalId}\n{approved}\n{by}\n{comment}\n{issuedAtMs}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(siteToken), Encoding.UTF8.GetBytes(message)));
    }
}
