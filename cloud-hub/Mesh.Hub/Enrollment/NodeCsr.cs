using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Hub.Enrollment;

/// <summary>
/// The hub's check of a node's certificate signing request: PKCS#10 DER, signed by the key it carries (proof the node
/// holds it), and that key ECDSA P-256 (what <c>NodeKey</c> makes). The subject and extensions the node asked for are
/// ignored: the hub names the node from its token or current certificate, never from the request.
/// </summary>
public static class NodeCsr
{
    /// <summary>Largest CSR read; a P-256 request is about 250 bytes.</summary>
    public const int MaxBytes = 4096;

    /// <summary>The request's public key, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static PublicKey? Check(ReadOnlySpan<byte> der, out string? error)
    {
        error = null;
        if (der.Length == 0)
        {
            error = "the request carries no CSR";
            return null;
        }
        if (der.Length > MaxBytes)
        {
            error = $"the CSR is {der.Length} bytes; the limit is {MaxBytes}";
            return null;
        }
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out var consumed);
            if (consumed != der.Length)
            {
                error = $"the CSR has {der.Length - consumed} byte(s) after its end";
                return null;
            }
        }
        catch (CryptographicException ex)
        {
            error = $"the CSR is not a PKCS#10 request signed by its own key ({ex.Message})";
            return null;
        }
        using var key = request.PublicKey.GetECDsaPublicKey();
        if (key is null || key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            error = $"the CSR's key is {request.PublicKey.Oid.FriendlyName ?? request.PublicKey.Oid.Value}; a node key is ECDSA P-256";
            return null;
        }
        return request.PublicKey;
    }
}
