using Mesh.Hub.Storage;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Api;

/// <summary>
/// One audit record in the JSON API: the decoded fields for people, and <see cref="Canonical"/> (base64 of
/// the exact bytes the node sent) with <see cref="Hash"/> for verifiers, which must trust only those two.
/// Hashes and digests are full lowercase hex.
/// </summary>
public sealed record AuditRecordView(
    long Seq,
    string Kind,
    string Hlc,
    long HlcWall,
    int HlcCounter,
    string HlcNode,
    string NodeId,
    string Site,
    string Device,
    string MessageKey,
    string InputDigest,
    string PolicyVersion,
    string Rule,
    string Decision,
    string Outcome,
    string Body,
    AuditRouteView Route,
    string PrevHash,
    string Hash,
    string Canonical)
{
    public static AuditRecordView From(StoredRecord stored)
    {
        var r = AuditRecordCodec.Decode(stored.Canonical);
        return new AuditRecordView(
            r.Sequence, r.Kind.ToString(), r.Hlc.ToString(), r.Hlc.WallMillis, r.Hlc.Counter, r.Hlc.NodeId,
            r.NodeId, r.Site, r.Device, r.MessageKey, Convert.ToHexStringLower(r.InputDigest.Span), r.PolicyVersion,
            r.Rule, r.Decision, r.Outcome, r.Body, AuditRouteView.From(r.Route),
            Convert.ToHexStringLower(r.PreviousHash.Span), Convert.ToHexStringLower(stored.Hash), Convert.ToBase64String(stored.Canonical));
    }
}
