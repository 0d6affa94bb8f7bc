using System.Security.Cryptography;

namespace Mesh.Protocol.Identity;

/// <summary>A node's public key (ECDSA P-256, DER SubjectPublicKeyInfo) as the hub and the CLI see it: its fingerprint
/// and the check of a signature made with the node's private key (<c>Mesh.Node.Identity.NodeKey</c>).</summary>
public static class NodePublicKey
{
    /// <summary>SHA-256 of the DER public key, lower-case hex.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> publicKeyDer) => Convert.ToHexStringLower(SHA256.HashData(publicKeyDer));

    /// <summary>Whether <paramref name="signature"/> (IEEE P1363, SHA-256) is the signature of <paramref name="data"/> by
    /// the private half of <paramref name="publicKeyDer"/>. A key that is not a P-256 public key verifies nothing.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKeyDer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(publicKeyDer, out _);
        }
        catch (CryptographicException)
        {
            return false;
        }
        return key.KeySize == 256 && key.VerifyData(data, signature, HashAlgorithmName.SHA256);
    }
}
