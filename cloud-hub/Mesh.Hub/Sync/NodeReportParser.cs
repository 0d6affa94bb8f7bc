using System.Text.Json;
using Mesh.Hub.Approvals;
using Mesh.Hub.Policies;
using Mesh.Hub.Storage;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Sync;

/// <summary>
/// Reads the facts the hub indexes out of a verified record's body. The record is already part of a verified
/// chain, so a body the hub cannot use is a problem to report, never a reason to refuse the record.
/// </summary>
public static class NodeReportParser
{
    private const int MaxIdLength = 128;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The fact the record reports; null for kinds the hub does not index, or with
    /// <paramref name="problem"/> set when the body is unusable.</summary>
    public static NodeReports.Report? Parse(AuditRecord record, out string? problem)
    {
        problem = null;
        try
        {
            return record.Kind switch
            {
                AuditKind.ApprovalRequested => Requested(record, Body<ApprovalRequestedBody>(record)),
                AuditKind.ApprovalResolved => Resolved(record, Body<ApprovalResolvedBody>(record)),
                AuditKind.ApprovalLate => Late(record, Body<ApprovalLateBody>(record)),
                AuditKind.PolicyActivated => Activated(record, Body<PolicyActivatedBody>(record)),
                AuditKind.PolicyRejected => Rejected(record, Body<PolicyRejectedBody>(record)),
                AuditKind.Checkpoint => Checkpoint(record),
                _ => null,
            };
        }
        catch (JsonException ex)
        {
            problem = $"the body is not the JSON this kind carries: {ex.Message}";
        }
        catch (FormatException ex)
        {
            problem = ex.Message;
        }
        return null;
    }

    private static T Body<T>(AuditRecord record) where T : class =>
        JsonSerializer.Deserialize<T>(record.Body, Json) ?? throw new FormatException("the body is JSON null");

    private static NodeReports.ApprovalRequested Requested(AuditRecord r, ApprovalRequestedBody b) => new(
        r.NodeId, r.Site, r.Sequence, r.Hlc.WallMillis, ApprovalId(b.ApprovalId), r.Device, b.Rule ?? "", b.Action ?? "", b.Role ?? "",
        b.Seq, b.ReadingTs ?? "", b.Deadline ?? "", b.MaxAge ?? "", b.OnTimeout ?? "", b.Offline ?? "");

    private static NodeReports.ApprovalResolved Resolved(AuditRecord r, ApprovalResolvedBody b)
    {
        var outcome = r.Outcome.Length > 0 ? r.Outcome : b.Outcome ?? "";
        if (outcome.Length == 0)
            throw new FormatException("neither the record's outcome nor the body's names how the approval was settled");
        return new(r.NodeId, r.Site, r.Sequence, r.Hlc.WallMillis, ApprovalId(b.ApprovalId),
            new NodeResolution(outcome, b.By ?? "", b.Comment ?? "", b.DecidedAt ?? "", b.Executed));
    }

    private static NodeReports.ApprovalLate Late(AuditRecord r, ApprovalLateBody b) =>
        new(r.NodeId, r.Site, r.Sequence, r.Hlc.WallMillis, ApprovalId(b.ApprovalId), b.Approved, b.SettledAs ?? "");

    private static NodeReports.PolicyActivated Activated(AuditRecord r, PolicyActivatedBody b)
    {
        if (b.Version is not { } version || version < 0)
            throw new FormatException("the body has no non-negative 'version'");
        // A node's built-in policy (from its own configuration) is reported as version 0: it is not one of the site's versions.
        if (b.Source is { } source && source.StartsWith("builtin", StringComparison.Ordinal))
            version = 0;
        return new(r.NodeId, r.Site, r.Sequence, r.Hlc.WallMillis, version, b.Sha256 ?? "");
    }

    private static NodeReports.PolicyRejected Rejected(AuditRecord r, PolicyRejectedBody b) =>
        new(r.NodeId, r.Site, r.Sequence, r.Hlc.WallMillis, Math.Max(0, b.Version), b.Sha256 ?? "",
            r.Outcome.Length > 0 ? r.Outcome : "rejected (the node gave no reason)");

    /// <summary>A checkpoint the batch verifier accepted: its key (pinned if the node has none) and its place.</summary>
    private static NodeReports.CheckpointSigned Checkpoint(AuditRecord r)
    {
        var body = AuditCheckpoint.Read(r, out var problem) ?? throw new FormatException(problem);
        return new(r.NodeId, r.Site, r.Sequence, r.Hlc.WallMillis, body.Covers, Convert.FromBase64String(body.Key), body.Fingerprint.ToLowerInvariant());
    }

    private static string ApprovalId(string? id) =>
        string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength || id.Any(char.IsControl)
            ? throw new FormatException($"'approvalId' is missing or unusable (1-{MaxIdLength} characters, no control characters)")
            : id;
}
