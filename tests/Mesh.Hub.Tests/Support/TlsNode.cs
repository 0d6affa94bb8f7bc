using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Net.Client;
using Mesh.Hub.Enrollment;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Hub.Tests.Support;

/// <summary>
/// A node as the hub sees it over its real TLS endpoint: an ECDSA P-256 key, a CSR, a token from the admin API, and
/// a gRPC channel presenting the issued certificate (or none, or one of another CA) and trusting only the hub's CA.
/// </summary>
internal sealed class TlsNode : IDisposable
{
    private readonly GrpcChannel _channel;

    private TlsNode(ECDsa key, X509Certificate2? certificate, Uri address, X509Certificate2 ca)
    {
        Key = key;
        Certificate = certificate;
        _channel = Channel(address, certificate, ca);
    }

    public ECDsa Key { get; }

    public X509Certificate2? Certificate { get; }

    public AuditSync.AuditSyncClient Sync => new(_channel);

    public NodeControl.NodeControlClient Control => new(_channel);

    public SiteGossip.SiteGossipClient Gossip => new(_channel);

    public Protocol.Grpc.Enrollment.EnrollmentClient Enrollment => new(_channel);

    public static X509Certificate2 CaOf(HubHarness hub) => hub.App.Services.GetRequiredService<HubCertificateAuthority>().Public;

    public static Uri AddressOf(HubHarness hub) => HubApp.GetNodeAddress(hub.App)!;

    /// <summary>A token for <paramref name="node"/> of <paramref name="site"/> through the admin API.</summary>
    public static async Task<string> TokenAsync(HubHarness hub, string node, string site, long? lifetimeSeconds = null)
    {
        using var response = await hub.Http.PostAsJsonAsync($"/api/nodes/{node}/enrollment-tokens", new { site, lifetimeSeconds });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EnrollmentApi.TokenView>())!.Token;
    }

    /// <summary>A node without a certificate (it may only enroll).</summary>
    public static TlsNode Anonymous(HubHarness hub) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, AddressOf(hub), CaOf(hub));

    /// <summary>A node presenting <paramref name="certificate"/> (with its key) to the hub.</summary>
    public static TlsNode With(HubHarness hub, ECDsa key, X509Certificate2 certificate) => new(key, certificate, AddressOf(hub), CaOf(hub));

    /// <summary>Enrolls a fresh key with a fresh token and returns the node presenting its certificate.</summary>
    public static async Task<TlsNode> EnrollAsync(HubHarness hub, string node, string site)
    {
        var token = await TokenAsync(hub, node, site);
        using var anonymous = Anonymous(hub);
        var reply = await anonymous.Enrollment.EnrollAsync(new EnrollRequest { Token = token.Split('.')[0], Csr = Csr(anonymous.Key) });
        return With(hub, anonymous.Key, Issued(reply, anonymous.Key));
    }

    public static ByteString Csr(ECDsa key) =>
        ByteString.CopyFrom(new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256).CreateSigningRequest());

    public static X509Certificate2 Issued(EnrollReply reply, ECDsa key)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(reply.Certificate.ToByteArray());
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A self-made CA and a certificate from it naming <paramref name="node"/>: right name, wrong issuer.</summary>
    public static (ECDsa Key, X509Certificate2 Certificate) FromAnotherCa(string node, string site)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Other CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={node}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(MeshTrust.ClientAuthOid)], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(NodeCertificateName.UriFor(site, node));
        request.CertificateExtensions.Add(san.Build());
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        using var withKey = issued.CopyWithPrivateKey(key);
        return (key, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
    }

    public void Dispose()
    {
        _channel.Dispose();
        Certificate?.Dispose();
    }

    private static GrpcChannel Channel(Uri address, X509Certificate2? certificate, X509Certificate2 ca) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new()
                {
                    ClientCertificates = certificate is null ? null : [certificate],
                    RemoteCertificateValidationCallback = (_, server, _, _) =>
                        server is X509Certificate2 s && MeshTrust.Check(s, ca, MeshTrust.ServerAuthOid) is null,
                },
            },
            DisposeHttpClient = true,
        });
}
