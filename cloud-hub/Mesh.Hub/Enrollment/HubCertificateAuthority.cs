using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Protocol.Identity;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Enrollment;

/// <summary>
/// The hub's certificate authority: an ECDSA P-256 root made at first start beside the hub's data (key 0600) or read
/// from <see cref="EnrollmentOptions.CaCertificatePath"/>/<see cref="EnrollmentOptions.CaKeyPath"/>. It issues node
/// certificates (CN = node id, SAN URI <c>mesh://site/node</c>, client and server use: a cloud node serves inference
/// with it) and, at each start, the hub's own TLS certificate.
/// </summary>
public sealed class HubCertificateAuthority : IDisposable
{
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(365);
    private readonly TimeProvider _time;

    public HubCertificateAuthority(IOptions<HubOptions> options, TimeProvider time)
    {
        _time = time;
        var hub = options.Value;
        var o = hub.Enrollment;
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(hub.DataPath)) ?? ".", "ca");
        var certPath = o.CaCertificatePath.Length > 0 ? o.CaCertificatePath : Path.Combine(folder, "ca.crt");
        var keyPath = o.CaKeyPath.Length > 0 ? o.CaKeyPath : Path.Combine(folder, "ca.key");
        try
        {
            Certificate = o.CaCertificatePath.Length == 0 && !File.Exists(certPath) && !File.Exists(keyPath)
                ? Create(certPath, keyPath)
                : X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception ex) when (o.CaCertificatePath.Length == 0 && ex is IOException or UnauthorizedAccessException)
        {
            // The default CA lives in the hub's data folder: that folder is unusable, as the store would find.
            throw new HubStorageException($"cannot create or read the hub's CA in {folder} (beside Hub:DataPath {hub.DataPath}): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new HubException($"Hub:Enrollment: cannot read the CA certificate {certPath} with key {keyPath}: {ex.Message}", ex);
        }
        if (Certificate.GetECDsaPrivateKey() is null)
            throw new HubException($"Hub:Enrollment:CaKeyPath: {keyPath} is not the ECDSA key of {certPath}");
        CertificatePath = certPath;
        Fingerprint = EnrollmentToken.FingerprintOf(Certificate.RawData);
        ServerCertificate = IssueServer(o.ServerNames);
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate without its key: what nodes trust.</summary>
    public X509Certificate2 Public => field ??= X509CertificateLoader.LoadCertificate(Certificate.RawData);

    public string CertificatePath { get; }

    /// <summary>SHA-256 of the CA certificate (lower-case hex): the second part of every enrollment token.</summary>
    public string Fingerprint { get; }

    /// <summary>The hub's TLS certificate for its node endpoint, issued at start (127.0.0.1, ::1 and
    /// <see cref="EnrollmentOptions.ServerNames"/>).</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>A certificate for <paramref name="nodeId"/> of <paramref name="site"/> on <paramref name="publicKey"/>.</summary>
    public X509Certificate2 IssueNode(PublicKey publicKey, string nodeId, string site, TimeSpan lifetime)
    {
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(nodeId);
        name.AddOrganizationalUnitName(site);
        var request = new CertificateRequest(name.Build(), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(MeshTrust.ClientAuthOid), new Oid(MeshTrust.ServerAuthOid)], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(NodeCertificateName.UriFor(site, nodeId));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = _time.GetUtcNow();
        // Backdated against clock skew, but by little for a short lifetime, or a node renewing at two thirds of
        // NotBefore..NotAfter would renew at once.
        var backdate = TimeSpan.FromTicks(Math.Min(Backdate.Ticks, lifetime.Ticks / 10));
        return request.Create(Certificate, now - backdate, Clamp(now + lifetime), NewSerial());
    }

    public void Dispose()
    {
        Certificate.Dispose();
        ServerCertificate.Dispose();
    }

    /// <summary>A node certificate cannot outlive its CA.</summary>
    private DateTimeOffset Clamp(DateTimeOffset notAfter) => notAfter > Certificate.NotAfter ? Certificate.NotAfter : notAfter;

    private X509Certificate2 IssueServer(IReadOnlyList<string> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mesh-hub", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(MeshTrust.ServerAuthOid)], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var dns in names)
            san.AddDnsName(dns);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = _time.GetUtcNow();
        using var issued = request.Create(Certificate, now - Backdate, Clamp(now + ServerLifetime), NewSerial());
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so that Kestrel's TLS (OpenSSL) gets a key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private X509Certificate2 Create(string certPath, string keyPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(certPath)!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName("Mesh hub CA");
        name.AddOrganizationName("Mesh");
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = _time.GetUtcNow();
        using var ca = request.CreateSelfSigned(now - Backdate, now.AddYears(10));
        // Key first, 0600 from its creation: never a moment when others may read it.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(keyPath, options))
        using (var writer = new StreamWriter(file))
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, ca.ExportCertificatePem());
        return X509Certificate2.CreateFromPemFile(certPath, keyPath);
    }

    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        serial[0] |= 0x01; // no leading zero byte to trim
        return serial;
    }
}
