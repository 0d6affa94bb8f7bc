using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Identity;

namespace Mesh.Node.Identity;

/// <summary>
/// The node's side of enrollment: a CSR made with <see cref="NodeKey"/> (which never leaves the node), sent with a
/// one-time token to the hub's TLS endpoint, whose certificate is trusted only when it chains to a CA whose SHA-256 is
/// the token's; or, later, a renewal over the node's current mutual-TLS identity, keeping its key.
/// </summary>
public static class NodeEnrollment
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Enrolls the node whose data directory is <paramref name="dataDirectory"/> and writes its certificate.</summary>
    /// <exception cref="EnrollmentException">The token is malformed, the hub is not the token's, or the hub refused (its reason).</exception>
    public static async Task<(NodeIdentity Identity, NodeKey Key)> EnrollAsync(Uri hub, string tokenText, string dataDirectory, CancellationToken ct)
    {
        var token = EnrollmentToken.Parse(tokenText, out var tokenError) ?? throw new EnrollmentException(tokenError!);
        if (hub.Scheme != Uri.UriSchemeHttps)
            throw new EnrollmentException($"the hub address {hub} must be https:// (the hub's Hub:Enrollment:Url): a token never travels in clear");
        var ca = await DiscoverAsync(hub, token, ct).ConfigureAwait(false);
        var key = NodeKey.LoadOrCreate(dataDirectory);
        try
        {
            string? refused = null;
            using var channel = Channel(hub, (certificate, errors) => refused = CheckHub(certificate, errors, ca));
            EnrollReply reply;
            try
            {
                reply = await new Protocol.Grpc.Enrollment.EnrollmentClient(channel)
                    .EnrollAsync(new EnrollRequest { Token = token.Secret, Csr = ByteString.CopyFrom(Csr(key)) }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct)
                    .ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
            {
                throw new EnrollmentException(refused is not null
                    ? $"the server at {hub} is not the hub this token is for: {refused}"
                    : $"the hub at {hub} refused enrollment ({ex.StatusCode}): {ex.Status.Detail}", ex);
            }
            if (!reply.CaCertificate.Span.SequenceEqual(ca.RawData))
                throw new EnrollmentException("the hub answered with a CA certificate that is not the one the token names");
            var identity = Write(dataDirectory, reply, key);
            return (identity, key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Asks the server for its CA certificate (public; no secret is sent on this connection) and keeps it only
    /// when its SHA-256 is the token's.</summary>
    private static async Task<X509Certificate2> DiscoverAsync(Uri hub, EnrollmentToken token, CancellationToken ct)
    {
        using var channel = Channel(hub, (_, _) => null);
        DiscoverReply reply;
        try
        {
            reply = await new Protocol.Grpc.Enrollment.EnrollmentClient(channel)
                .DiscoverAsync(new DiscoverRequest(), deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
        {
            throw new EnrollmentException($"cannot reach the hub's enrollment at {hub} ({ex.StatusCode}): {ex.Status.Detail}", ex);
        }
        var fingerprint = EnrollmentToken.FingerprintOf(reply.CaCertificate.Span);
        if (fingerprint != token.CaFingerprint)
            throw new EnrollmentException($"the server at {hub} is not the hub this token is for: its CA has the SHA-256 {fingerprint}, the token names {token.CaFingerprint}");
        return X509CertificateLoader.LoadCertificate(reply.CaCertificate.Span);
    }

    /// <param name="check">Null to accept the server's certificate, else why it is refused.</param>
    private static GrpcChannel Channel(Uri hub, Func<X509Certificate2?, SslPolicyErrors, string?> check) =>
        GrpcChannel.ForAddress(hub, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(5),
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => check(certificate as X509Certificate2, errors) is null,
                },
            },
            DisposeHttpClient = true,
        });

    /// <summary>Asks the hub, over <paramref name="channel"/> (mutual TLS with the current certificate), for a new
    /// certificate on the same key, writes it and puts it in force.</summary>
    public static async Task<NodeIdentity> RenewAsync(GrpcChannel channel, NodeCredentials credentials, CancellationToken ct)
    {
        var key = credentials.Key ?? throw new EnrollmentException("this node has not enrolled; nothing to renew");
        EnrollReply reply;
        try
        {
            reply = await new Protocol.Grpc.Enrollment.EnrollmentClient(channel)
                .RenewAsync(new RenewRequest { Csr = ByteString.CopyFrom(Csr(key)) }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: ct)
                .ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
        {
            throw new EnrollmentException($"the hub refused renewal ({ex.StatusCode}): {ex.Status.Detail}", ex);
        }
        var identity = Write(credentials.DataDirectory, reply, key);
        credentials.Replace(identity, key);
        return identity;
    }

    /// <summary>A PKCS#10 request signed with the node's key; the hub takes only the key from it.</summary>
    public static byte[] Csr(NodeKey key) =>
        new CertificateRequest("CN=mesh-node", key.Key, HashAlgorithmName.SHA256).CreateSigningRequest();

    /// <summary>Null when the TLS server's certificate chains to <paramref name="ca"/> for server use and names the
    /// address connected to; otherwise why not.</summary>
    public static string? CheckHub(X509Certificate2? certificate, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (certificate is null)
            return "it presented no certificate";
        if (MeshTrust.Check(certificate, ca, MeshTrust.ServerAuthOid) is { } untrusted)
            return untrusted;
        return errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            ? $"its certificate '{certificate.Subject}' does not name the address connected to"
            : null;
    }

    private static NodeIdentity Write(string dataDirectory, EnrollReply reply, NodeKey key)
    {
        try
        {
            return NodeCertificateFiles.Write(dataDirectory, reply.Certificate.ToByteArray(), reply.CaCertificate.ToByteArray(), key);
        }
        catch (InvalidDataException ex)
        {
            throw new EnrollmentException(ex.Message, ex);
        }
    }
}

/// <summary>Enrollment or renewal failed; the message says why and what to do. Nothing was written.</summary>
public sealed class EnrollmentException : Exception
{
    public EnrollmentException(string message) : base(message) { }

    public EnrollmentException(string message, Exception inner) : base(message, inner) { }
}
