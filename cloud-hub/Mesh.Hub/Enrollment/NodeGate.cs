using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Mesh.Hub.Storage;
using Mesh.Protocol.Identity;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Enrollment;

/// <summary>
/// Who may use the node-facing gRPC. On the TLS endpoint (<see cref="EnrollmentOptions.Url"/>) the handshake already
/// refused certificates of another CA and revoked ones (<see cref="AcceptsClient"/>); each call then needs a
/// certificate naming the node and site it acts for (<see cref="NodeAccess"/>), not revoked since the handshake. On the
/// cleartext endpoint calls pass only with <see cref="EnrollmentOptions.PlaintextNodes"/>. Revoking a node ends its open
/// streams through <see cref="Authorize"/>'s token, whether this hub revoked it or learned it from the store
/// (<see cref="Learn"/>, another hub on the same database).
/// </summary>
public sealed class NodeGate
{
    private readonly HubCertificateAuthority _ca;
    private readonly bool _plaintext;
    private readonly ILogger<NodeGate> _logger;
    // Serial → node. Only grows: a revocation is never withdrawn.
    private readonly ConcurrentDictionary<string, string> _revoked;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _open = new(StringComparer.Ordinal);

    public NodeGate(HubCertificateAuthority ca, HubStore store, IOptions<HubOptions> options, ILogger<NodeGate> logger)
    {
        _ca = ca;
        _plaintext = options.Value.Enrollment.PlaintextNodes;
        _logger = logger;
        _revoked = new(store.ReadRevokedCertificates().Select(c => KeyValuePair.Create(c.Serial, c.NodeId)), StringComparer.Ordinal);
    }

    /// <summary>Raised after <see cref="Learn"/> added serials, with every serial revoked so far.</summary>
    public event Action<IReadOnlyList<string>>? RevocationsChanged;

    /// <summary>Every serial revoked so far, in order.</summary>
    public IReadOnlyList<string> RevokedSerials => [.. _revoked.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Kestrel's check of a client certificate during the TLS handshake: issued by this hub's CA for client
    /// use, naming a node, not revoked. A refused certificate ends the handshake.</summary>
    public bool AcceptsClient(X509Certificate2 certificate)
    {
        var problem = Problem(certificate, out _);
        if (problem is null)
            return true;
        EnrollmentLog.HandshakeRefused(_logger, certificate.Subject, certificate.SerialNumber, problem);
        return false;
    }

    /// <summary>
    /// Lets a call acting for <paramref name="nodeId"/> of <paramref name="site"/> through, or throws the
    /// <see cref="RpcException"/> the node logs. The token returned is cancelled when the node is revoked: a stream links it.
    /// </summary>
    public CancellationToken Authorize(ServerCallContext context, string nodeId, string site, string what)
    {
        var http = context.GetHttpContext();
        if (!http.Request.IsHttps)
        {
            if (_plaintext)
                return CancellationToken.None;
            throw Refuse(nodeId, StatusCode.Unauthenticated,
                "this hub takes nodes over mutual TLS only: connect to its Hub:Enrollment:Url (https) with the certificate 'mesh enroll' got");
        }
        var caller = Caller(context);
        if (NodeAccess.Check(caller, nodeId, site, what) is { } refused)
            throw Refuse(nodeId, StatusCode.PermissionDenied, refused);
        var token = _open.GetOrAdd(caller.NodeId, _ => new CancellationTokenSource()).Token;
        // A revocation between the check above and here removed the node's token before this call took one.
        if (IsRevoked(caller.Serial))
            throw RevokedWhileOpen(caller.NodeId);
        return token;
    }

    /// <summary>The node a TLS call's client certificate names; throws when there is none or it is no longer good.</summary>
    public NodeCaller Caller(ServerCallContext context)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate
            ?? throw Refuse("", StatusCode.Unauthenticated, "no client certificate: a node enrolls first (mesh enroll --hub URL --token T) and calls with its certificate");
        if (Problem(certificate, out var caller) is { } problem)
            throw Refuse(caller?.NodeId ?? "", StatusCode.PermissionDenied, problem);
        return caller!;
    }

    /// <summary>Marks <paramref name="serials"/> revoked and ends every open stream of <paramref name="nodeId"/>.</summary>
    public void Revoke(string nodeId, IReadOnlyList<string> serials) => Learn(serials.Select(s => new RevokedCertificate(s, nodeId)));

    /// <summary>Marks the certificates not known yet revoked and ends the open streams of their nodes; returns those
    /// newly learned (none: nothing changed).</summary>
    public IReadOnlyList<RevokedCertificate> Learn(IEnumerable<RevokedCertificate> revoked)
    {
        var learned = revoked.Where(c => _revoked.TryAdd(c.Serial, c.NodeId)).ToList();
        foreach (var nodeId in learned.Select(c => c.NodeId).Distinct(StringComparer.Ordinal))
        {
            if (_open.TryRemove(nodeId, out var streams))
            {
                streams.Cancel();
                streams.Dispose();
            }
        }
        if (learned.Count > 0)
            RevocationsChanged?.Invoke(RevokedSerials);
        return learned;
    }

    /// <summary>Whether <paramref name="serial"/> was revoked.</summary>
    public bool IsRevoked(string serial) => _revoked.ContainsKey(serial);

    /// <summary>The refusal a stream ends with when its node is revoked while it runs.</summary>
    public static RpcException RevokedWhileOpen(string nodeId) =>
        new(new Status(StatusCode.PermissionDenied, $"node '{nodeId}' was revoked by an admin; this stream ends and its certificate is refused from now on"));

    private string? Problem(X509Certificate2 certificate, out NodeCaller? caller)
    {
        caller = null;
        if (MeshTrust.Check(certificate, _ca.Public, MeshTrust.ClientAuthOid) is { } untrusted)
            return untrusted;
        if (NodeCertificateName.Read(certificate) is not { } name)
            return $"certificate '{certificate.Subject}' names no node (no SAN URI mesh://site/node)";
        caller = new NodeCaller(name.NodeId, name.Site, certificate.SerialNumber);
        return IsRevoked(certificate.SerialNumber)
            ? $"the certificate of node '{name.NodeId}' (serial {certificate.SerialNumber}) is revoked"
            : null;
    }

    private RpcException Refuse(string nodeId, StatusCode code, string reason)
    {
        EnrollmentLog.CallRefused(_logger, nodeId, code, reason);
        return new RpcException(new Status(code, reason));
    }
}
