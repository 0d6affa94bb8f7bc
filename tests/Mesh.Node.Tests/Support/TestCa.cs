using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Node.Identity;
using Mesh.Protocol.Identity;

namespace Mesh.Node.Tests.Support;

/// <summary>A small CA standing in for the hub's (which is tested with the hub): node certificates shaped as the hub
/// issues them, written into a node's data directory.</summary>
internal sealed class TestCa : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public TestCa(string name = "Test CA")
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public byte[] Der => _ca.RawData;

    /// <summary>A node certificate for <paramref name="key"/> naming <paramref name="node"/> of <paramref name="site"/>.</summary>
    public byte[] Issue(ECDsa key, string node, string site)
    {
        var request = new CertificateRequest($"CN={node}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(MeshTrust.ClientAuthOid), new Oid(MeshTrust.ServerAuthOid)], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(NodeCertificateName.UriFor(site, node));
        request.CertificateExtensions.Add(san.Build());
        using var issued = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1), RandomNumberGenerator.GetBytes(8));
        return issued.RawData;
    }

    /// <summary>Enrolls <paramref name="dataDirectory"/> as the hub would: its key, a certificate from this CA, the CA.</summary>
    public NodeCredentials Enroll(string dataDirectory, string node, string site)
    {
        using (var key = NodeKey.LoadOrCreate(dataDirectory))
            NodeCertificateFiles.Write(dataDirectory, Issue(key.Key, node, site), Der, key);
        return new NodeCredentials(dataDirectory, node, site);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _key.Dispose();
    }
}
