using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Protocol.Identity;

namespace Mesh.Node.Identity;

/// <summary>
/// The enrolled certificate and the hub's CA beside the node's key: <c>&lt;data&gt;/identity/node.crt</c> and
/// <c>ca.crt</c> (PEM). Written to temporary files and renamed, CA first, so a crash leaves the old pair or the new one.
/// </summary>
public static class NodeCertificateFiles
{
    public const string CertificateName = "node.crt";
    public const string CaName = "ca.crt";

    public static string CertificatePath(string dataDirectory) => Path.Combine(dataDirectory, NodeKey.FolderName, CertificateName);

    public static string CaPath(string dataDirectory) => Path.Combine(dataDirectory, NodeKey.FolderName, CaName);

    /// <summary>Whether the node holds a certificate (it enrolled).</summary>
    public static bool Exist(string dataDirectory) => File.Exists(CertificatePath(dataDirectory));

    /// <summary>The identity in <paramref name="dataDirectory"/>, or null before enrollment.</summary>
    /// <exception cref="InvalidDataException">The files are damaged or do not belong to <paramref name="key"/>; the message names the file.</exception>
    public static NodeIdentity? Load(string dataDirectory, NodeKey key)
    {
        var certPath = CertificatePath(dataDirectory);
        var caPath = CaPath(dataDirectory);
        if (!File.Exists(certPath))
            return null;
        try
        {
            using var pem = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
            return Identity(pem.RawData, ca.RawData, key, certPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
        {
            throw new InvalidDataException($"{certPath} or {caPath} cannot be read ({ex.Message}); enroll again (mesh enroll) after moving them away", ex);
        }
    }

    /// <summary>Checks what the hub sent and writes it; returns the identity it makes with <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">The certificate is not for this key, names no node or is not from that CA.</exception>
    public static NodeIdentity Write(string dataDirectory, byte[] certificateDer, byte[] caDer, NodeKey key)
    {
        var identity = Identity(certificateDer, caDer, key, "the hub's reply");
        Directory.CreateDirectory(Path.Combine(dataDirectory, NodeKey.FolderName));
        Replace(CaPath(dataDirectory), PemEncoding.WriteString("CERTIFICATE", caDer));
        Replace(CertificatePath(dataDirectory), PemEncoding.WriteString("CERTIFICATE", certificateDer));
        return identity;
    }

    private static NodeIdentity Identity(byte[] certificateDer, byte[] caDer, NodeKey key, string where)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        var ca = X509CertificateLoader.LoadCertificate(caDer);
        if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.PublicKeyDer))
            throw new InvalidDataException($"{where}: the certificate is not for this node's key {key.Path} (key SHA-256 {key.Fingerprint})");
        if (NodeCertificateName.Read(certificate) is not { } name)
            throw new InvalidDataException($"{where}: the certificate names no node (no SAN URI mesh://site/node)");
        if (MeshTrust.Check(certificate, ca, MeshTrust.ClientAuthOid, certificate.NotBefore.AddSeconds(1)) is { } untrusted)
            throw new InvalidDataException($"{where}: {untrusted}");
        using var withKey = certificate.CopyWithPrivateKey(key.Key);
        // Through PKCS#12 so that TLS (OpenSSL) gets a key handle it can use for the handshake.
        var usable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return new NodeIdentity(usable, ca, name.NodeId, name.Site);
    }

    /// <summary>Writes <paramref name="text"/> to a temporary file, flushed to disk, and renames it over <paramref name="path"/>.</summary>
    internal static void Replace(string path, string text)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
