using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Core;
using Mesh.Hub.Access;
using Mesh.Hub.Storage;
using Mesh.Protocol.Identity;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Enrollment;

/// <summary>
/// The hub's enrollment decisions: tokens an admin makes, certificates issued against them or renewed over a node's
/// current identity, revocations. Every change is one store transaction with its <c>hub_actions</c> entry
/// (<c>node.token</c>, <c>node.enroll</c>, <c>node.renew</c>, <c>node.revoke</c>); a refusal changes nothing.
/// </summary>
public sealed class EnrollmentDesk(
    HubCertificateAuthority ca, HubStore store, NodeGate gate, IOptions<HubOptions> options, TimeProvider time, ILogger<EnrollmentDesk> logger)
{
    public const string TokenAction = "node.token";
    public const string EnrollAction = "node.enroll";
    public const string RenewAction = "node.renew";
    public const string RevokeAction = "node.revoke";

    private EnrollmentOptions Options => options.Value.Enrollment;

    /// <summary>A new one-time token for <paramref name="nodeId"/> of <paramref name="site"/>. Its text is returned once
    /// and never stored.</summary>
    public (EnrollmentToken Token, DateTimeOffset ExpiresAt) CreateToken(string nodeId, string site, TimeSpan? lifetime, HubActor by)
    {
        var token = EnrollmentToken.Create(ca.Fingerprint);
        var now = time.GetUtcNow();
        var expires = now + (lifetime ?? Options.TokenLifetime);
        store.CreateEnrollmentToken(EnrollmentToken.HashSecret(token.Secret), nodeId, site, now.ToUnixTimeMilliseconds(), expires.ToUnixTimeMilliseconds(),
            new HubActionDraft(by.Name, TokenAction, nodeId, Detail(new { site, expiresAt = expires.ToString("O") })));
        EnrollmentLog.TokenCreated(logger, by.Name, nodeId, site, expires);
        return (token, expires);
    }

    /// <summary>Issues the certificate a token stands for on the CSR's key, or throws the refusal (UNAUTHENTICATED for the
    /// token, INVALID_ARGUMENT for the CSR) having changed nothing.</summary>
    public X509Certificate2 Enroll(string secret, ReadOnlySpan<byte> csr)
    {
        if (NodeCsr.Check(csr, out var csrError) is not { } publicKey)
            throw Refused("invalid-csr", "", StatusCode.InvalidArgument, csrError!);
        X509Certificate2? issued = null;
        var now = time.GetUtcNow();
        var result = store.UseEnrollmentToken(EnrollmentToken.HashSecret(secret), now.ToUnixTimeMilliseconds(),
            (nodeId, site) => Stored(issued = ca.IssueNode(publicKey, nodeId, site, Options.CertificateLifetime), nodeId, site, publicKey, now),
            cert => new HubActionDraft($"node:{cert.NodeId}", EnrollAction, cert.NodeId, Detail(new { site = cert.Site, serial = cert.Serial })));
        return result.Outcome switch
        {
            TokenUse.Enrolled => Logged(issued!, result.NodeId, result.Site),
            TokenUse.Unknown => throw Refused("unknown-token", "", StatusCode.Unauthenticated,
                "the hub knows no such enrollment token: check it was copied whole, or ask an admin for a new one"),
            TokenUse.Used => throw Refused("used-token", result.NodeId, StatusCode.Unauthenticated,
                $"this enrollment token was used already, at {DateTimeOffset.FromUnixTimeMilliseconds(result.UsedAtMs!.Value):O}; a token enrolls once: ask an admin for a new one"),
            _ => throw Refused("expired-token", result.NodeId, StatusCode.Unauthenticated,
                $"this enrollment token expired at {DateTimeOffset.FromUnixTimeMilliseconds(result.ExpiresAtMs!.Value):O}; ask an admin for a new one"),
        };
    }

    /// <summary>A new certificate for the caller's own key (the CSR must carry the key of <paramref name="current"/>).</summary>
    public X509Certificate2 Renew(NodeCaller caller, X509Certificate2 current, ReadOnlySpan<byte> csr)
    {
        if (NodeCsr.Check(csr, out var csrError) is not { } publicKey)
            throw Refused("invalid-csr", caller.NodeId, StatusCode.InvalidArgument, csrError!);
        if (!publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(current.PublicKey.ExportSubjectPublicKeyInfo()))
            throw Refused("other-key", caller.NodeId, StatusCode.PermissionDenied,
                "a renewal keeps the node's key: the CSR must carry the key of the certificate the call is made with");
        var now = time.GetUtcNow();
        var issued = ca.IssueNode(publicKey, caller.NodeId, caller.Site, Options.CertificateLifetime);
        store.RecordCertificate(Stored(issued, caller.NodeId, caller.Site, publicKey, now),
            new HubActionDraft($"node:{caller.NodeId}", RenewAction, caller.NodeId, Detail(new { site = caller.Site, serial = issued.SerialNumber, previous = caller.Serial })));
        EnrollmentLog.Renewed(logger, caller.NodeId, caller.Serial, issued.SerialNumber, issued.NotAfter);
        return issued;
    }

    /// <summary>Revokes every certificate of <paramref name="nodeId"/> and ends its open streams; returns the serials
    /// (none: the node had no certificate in force, nothing changed).</summary>
    public IReadOnlyList<string> Revoke(string nodeId, HubActor by, string? comment)
    {
        var serials = store.RevokeNodeCertificates(nodeId, time.GetUtcNow().ToUnixTimeMilliseconds(),
            new HubActionDraft(by.Name, RevokeAction, nodeId, Detail(new { comment = comment ?? "" })));
        if (serials.Count > 0)
        {
            gate.Revoke(nodeId, serials);
            EnrollmentLog.Revoked(logger, nodeId, by.Name, serials.Count);
        }
        return serials;
    }

    private X509Certificate2 Logged(X509Certificate2 issued, string nodeId, string site)
    {
        EnrollmentLog.Enrolled(logger, nodeId, site, issued.SerialNumber, issued.NotAfter);
        // The certified key is the one the node's checkpoints must be signed with from now on. A token an admin made for
        // this node is the admin's word that the node may have a new key (a box rebuilt after a disk failure), so it
        // replaces a key pinned before; the enrollment is in the action log.
        store.RegisterNodeKey(nodeId, issued.PublicKey.ExportSubjectPublicKeyInfo(), time.GetUtcNow().UtcDateTime, replace: true);
        return issued;
    }

    private static StoredCertificate Stored(X509Certificate2 issued, string nodeId, string site, PublicKey key, DateTimeOffset now) =>
        new(issued.SerialNumber, nodeId, site, key.ExportSubjectPublicKeyInfo(), new DateTimeOffset(issued.NotBefore).ToUnixTimeMilliseconds(),
            new DateTimeOffset(issued.NotAfter).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), null, null);

    private RpcException Refused(string outcome, string nodeId, StatusCode code, string reason)
    {
        EnrollmentLog.EnrollRefused(logger, outcome, nodeId, reason);
        return new RpcException(new Status(code, reason));
    }

    private static string Detail(object value) => JsonSerializer.Serialize(value);
}
