using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Node.Identity;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Identity;

namespace Mesh.Node.Tests.Identity;

/// <summary>The node's certificate files and identity, with a small CA made here (the hub's is tested with the hub).</summary>
public sealed class NodeCredentialsTests
{
    [Fact]
    public void Write_ThenLoad_IdentityNamesNodeAndUsesTheNodesKey()
    {
        using var dir = new TempDirectory();
        using var key = NodeKey.LoadOrCreate(dir.Path);
        var (ca, cert) = Issue(key.Key, "edge-1", "site-a");

        NodeCertificateFiles.Write(dir.Path, cert, ca, key);
        using var credentials = new NodeCredentials(dir.Path, "edge-1", "site-a");

        var identity = credentials.Current.ShouldNotBeNull();
        (identity.NodeId, identity.Site).ShouldBe(("edge-1", "site-a"));
        identity.Certificate.HasPrivateKey.ShouldBeTrue();
        identity.Certificate.PublicKey.ExportSubjectPublicKeyInfo().ShouldBe(key.PublicKeyDer);
        identity.RenewAt.ShouldBeGreaterThan(new DateTimeOffset(identity.Certificate.NotBefore.ToUniversalTime()));
        identity.RenewAt.ShouldBeLessThan(new DateTimeOffset(identity.Certificate.NotAfter.ToUniversalTime()));
    }

    [Fact]
    public void Start_CertificateOfAnotherNode_RefusedNamingBoth()
    {
        using var dir = new TempDirectory();
        using var key = NodeKey.LoadOrCreate(dir.Path);
        var (ca, cert) = Issue(key.Key, "edge-1", "site-a");
        NodeCertificateFiles.Write(dir.Path, cert, ca, key);

        var ex = Should.Throw<InvalidDataException>(() => new NodeCredentials(dir.Path, "edge-2", "site-a"));

        ex.Message.ShouldContain("is the certificate of node 'edge-1' of site 'site-a', but this node is configured as 'edge-2' of site 'site-a'");
    }

    [Fact]
    public void Write_CertificateForAnotherKey_RefusedAndNothingWritten()
    {
        using var dir = new TempDirectory();
        using var key = NodeKey.LoadOrCreate(dir.Path);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (ca, cert) = Issue(other, "edge-1", "site-a");

        Should.Throw<InvalidDataException>(() => NodeCertificateFiles.Write(dir.Path, cert, ca, key)).Message.ShouldContain("not for this node's key");
        NodeCertificateFiles.Exist(dir.Path).ShouldBeFalse();
    }

    [Fact]
    public void NotEnrolled_NoIdentity_ServerChecksSayWhy()
    {
        using var dir = new TempDirectory();
        using var credentials = new NodeCredentials(dir.Path, "edge-1", "site-a");

        credentials.Current.ShouldBeNull();
        credentials.CheckServer(null, System.Net.Security.SslPolicyErrors.None, PeerKind.Hub)!.ShouldContain("has not enrolled");
        File.Exists(NodeKey.PathFor(dir.Path)).ShouldBeFalse("a node that never enrolls makes no key for it");
    }

    private static (byte[] Ca, byte[] Certificate) Issue(ECDsa nodeKey, string node, string site)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var request = new CertificateRequest($"CN={node}", nodeKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(MeshTrust.ClientAuthOid), new Oid(MeshTrust.ServerAuthOid)], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(NodeCertificateName.UriFor(site, node));
        request.CertificateExtensions.Add(san.Build());
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1), [7, 7, 7]);
        return (ca.RawData, issued.RawData);
    }
}
