using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.Protocol.Identity;

namespace Mesh.Node.Identity;

/// <summary>
/// The node's current identity as its TLS connections use it: read from the data directory at start, replaced when
/// the node enrolls or renews. Connections take <see cref="Current"/> at each handshake, so a renewed certificate is
/// used from the next connection on; <see cref="Changed"/> lets channels start new connections.
/// </summary>
public sealed class NodeCredentials : IDisposable
{
    private readonly Lock _gate = new();
    private NodeIdentity? _current;

    /// <param name="expectNodeId">The node's configured id (and <paramref name="expectSite"/>): a certificate naming another is refused at start.</param>
    public NodeCredentials(string dataDirectory, string expectNodeId, string expectSite)
    {
        DataDirectory = dataDirectory;
        ExpectNodeId = expectNodeId;
        ExpectSite = expectSite;
        Revoked = new RevokedCertificates(dataDirectory);
        if (!NodeCertificateFiles.Exist(dataDirectory))
            return;
        Key = NodeKey.LoadOrCreate(dataDirectory);
        _current = Check(NodeCertificateFiles.Load(dataDirectory, Key)!);
    }

    public string DataDirectory { get; }

    public string ExpectNodeId { get; }

    public string ExpectSite { get; }

    /// <summary>The node certificates the hub revoked: peers presenting one are refused.</summary>
    public RevokedCertificates Revoked { get; }

    /// <summary>The key the certificate certifies (loaded once enrolled).</summary>
    public NodeKey? Key { get; private set; }

    /// <summary>The identity in force; null until the node enrolled.</summary>
    public NodeIdentity? Current { get { lock (_gate) return _current; } }

    /// <summary>Raised after <see cref="Replace"/>.</summary>
    public event Action<NodeIdentity>? Changed;

    /// <summary>Makes <paramref name="identity"/> (just written by enrollment or renewal) the one in force.</summary>
    public void Replace(NodeIdentity identity, NodeKey key)
    {
        Check(identity);
        lock (_gate)
        {
            _current = identity;
            if (!ReferenceEquals(Key, key))
            {
                Key?.Dispose();
                Key = key;
            }
        }
        Changed?.Invoke(identity);
    }

    /// <summary>TLS client options presenting <see cref="Current"/> and trusting only the hub's CA for
    /// <paramref name="serverCheck"/>: the hub (its name must match) or a peer node (a node certificate; node
    /// certificates carry no addresses).</summary>
    public SslClientAuthenticationOptions ClientTls(PeerKind serverCheck, Action<string>? onRefused = null) => new()
    {
        LocalCertificateSelectionCallback = (_, _, _, _, _) => Current?.Certificate!,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            var problem = CheckServer(certificate as X509Certificate2, errors, serverCheck);
            // Before enrollment every connection fails alike; NodeEnrollmentService says so once.
            if (problem is not null && Current is not null)
                onRefused?.Invoke(problem);
            return problem is null;
        },
    };

    /// <summary>Null when a server's certificate is good for <paramref name="kind"/>; otherwise why not.</summary>
    public string? CheckServer(X509Certificate2? certificate, SslPolicyErrors errors, PeerKind kind)
    {
        if (Current is not { } identity)
            return "this node has not enrolled: it has no CA to check the server against (mesh enroll, or Node:Enrollment:Token)";
        if (certificate is null)
            return "the server presented no certificate";
        if (MeshTrust.Check(certificate, identity.Ca, MeshTrust.ServerAuthOid) is { } untrusted)
            return untrusted;
        if (kind == PeerKind.Hub && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the hub's certificate '{certificate.Subject}' does not name the address connected to";
        if (kind == PeerKind.Node && NodeCertificateName.Read(certificate) is null)
            return $"the peer's certificate '{certificate.Subject}' names no node";
        return kind == PeerKind.Node ? Revoked.Problem(certificate) : null;
    }

    public void Dispose() => Key?.Dispose();

    private NodeIdentity Check(NodeIdentity identity)
    {
        if (identity.NodeId != ExpectNodeId || identity.Site != ExpectSite)
            throw new InvalidDataException(
                $"{NodeCertificateFiles.CertificatePath(DataDirectory)} is the certificate of node '{identity.NodeId}' of site '{identity.Site}', "
                + $"but this node is configured as '{ExpectNodeId}' of site '{ExpectSite}' (Node:NodeId, Node:Site): fix the configuration, or enroll this data directory with a token for it");
        return identity;
    }
}

/// <summary>Whom a node's TLS connection goes to.</summary>
public enum PeerKind
{
    Hub,
    Node,
}
