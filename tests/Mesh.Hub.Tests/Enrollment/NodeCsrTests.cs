using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Hub.Enrollment;

namespace Mesh.Hub.Tests.Enrollment;

public sealed class NodeCsrTests
{
    [Fact]
    public void Check_P256Request_ReturnsItsKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();

        var publicKey = NodeCsr.Check(csr, out var error);

        error.ShouldBeNull();
        publicKey!.ExportSubjectPublicKeyInfo().ShouldBe(key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Check_RsaKey_RefusedNamingTheKind()
    {
        using var key = RSA.Create(2048);
        var csr = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();

        NodeCsr.Check(csr, out var error).ShouldBeNull();
        error.ShouldBe("the CSR's key is RSA; a node key is ECDSA P-256");
    }

    [Fact]
    public void Check_P384Key_Refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var csr = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();

        NodeCsr.Check(csr, out var error).ShouldBeNull();
        error!.ShouldEndWith("a node key is ECDSA P-256");
    }

    [Fact]
    public void Check_SignatureTampered_Refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        csr[^3] ^= 0x01;

        NodeCsr.Check(csr, out var error).ShouldBeNull();
        error!.ShouldStartWith("the CSR is not a PKCS#10 request signed by its own key");
    }

    [Fact]
    public void Check_EmptyOrTooLarge_Refused()
    {
        NodeCsr.Check([], out var empty).ShouldBeNull();
        empty.ShouldBe("the request carries no CSR");
        NodeCsr.Check(new byte[NodeCsr.MaxBytes + 1], out var large).ShouldBeNull();
        large.ShouldBe($"the CSR is {NodeCsr.MaxBytes + 1} bytes; the limit is {NodeCsr.MaxBytes}");
    }
}
