using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Protocol.Identity;

namespace Mesh.Protocol.Tests.Identity;

public sealed class NodeCertificateNameTests
{
    [Theory]
    [InlineData("mesh://site-a/edge-1", true, "edge-1", "site-a")]
    [InlineData("mesh://site-a/", false, "", "")]
    [InlineData("mesh:///edge-1", false, "", "")]
    [InlineData("mesh://site-a/edge-1/extra", false, "", "")]
    [InlineData("https://site-a/edge-1", false, "", "")]
    [InlineData("mesh://user@site-a/edge-1", false, "", "")]
    [InlineData("mesh://site-a:80/edge-1", false, "", "")]
    public void TryParse_OnlyExactlySiteSlashNode(string uri, bool ok, string node, string site)
    {
        NodeCertificateName.TryParse(uri, out var n, out var s).ShouldBe(ok);
        if (ok)
            (n, s).ShouldBe((node, site));
    }

    [Fact]
    public void Read_CertificateWithOneMeshUri_NamesNodeAndSite()
    {
        using var certificate = Make(NodeCertificateName.UriFor("site-a", "edge-1"));
        NodeCertificateName.Read(certificate).ShouldBe(("edge-1", "site-a"));
    }

    [Fact]
    public void Read_TwoMeshUris_Null() =>
        NodeCertificateName.Read(Make(new Uri("mesh://site-a/edge-1"), new Uri("mesh://site-b/edge-2"))).ShouldBeNull();

    [Fact]
    public void Read_NoSan_Null() => NodeCertificateName.Read(Make()).ShouldBeNull();

    private static X509Certificate2 Make(params Uri[] uris)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=edge-1", key, HashAlgorithmName.SHA256);
        if (uris.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("example.test");
            foreach (var uri in uris)
                san.AddUri(uri);
            request.CertificateExtensions.Add(san.Build());
        }
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
