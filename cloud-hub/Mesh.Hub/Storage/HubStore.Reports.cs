using System.Data.Common;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>Indexes facts taken from a node's new records, inside the transaction that stores them. An approval is
    /// settled by whichever member of its site holds the device now (after a takeover, not the one that requested it);
    /// facts about another site's approval, or one the hub never saw requested, are logged and skipped.</summary>
    private void IndexReports(IReadOnlyList<NodeReports.Report> reports, DbTransaction tx)
    {
        foreach (var report in reports)
        {
            switch (report)
            {
                case NodeReports.ApprovalRequested r:
                    InsertApproval(r, tx);
                    break;
                case NodeReports.ApprovalResolved r:
                    Expect(r, r.ApprovalId, Writer.Command("""
                        UPDATE approvals SET resolution_outcome = @outcome, resolution_by = @by, resolution_comment = @comment,
                            resolution_at = @at, resolution_executed = @executed, resolved_seq = @seq, resolved_node = @node
                        WHERE id = @id AND site = @site AND resolved_seq IS NULL;
                        """, tx)
                        .Bind("@outcome", r.Resolution.Outcome).Bind("@by", r.Resolution.By).Bind("@comment", r.Resolution.Comment)
                        .Bind("@at", r.Resolution.At).Bind("@executed", r.Resolution.Executed), tx);
                    break;
                case NodeReports.ApprovalLate r:
                    Expect(r, r.ApprovalId, Writer.Command(
                        "UPDATE approvals SET decision_late = 1, late_seq = @seq, late_node = @node WHERE id = @id AND site = @site AND late_seq IS NULL;", tx), tx);
                    break;
                case NodeReports.PolicyActivated r:
                    // A rejection stays listed until the node activates a version at least as new as the one it refused.
                    Execute(Writer.Command("""
                        INSERT INTO node_policies(node_id, site, version, sha256, at) VALUES (@node, @site, @version, @sha, @at)
                        ON CONFLICT(node_id) DO UPDATE SET site = excluded.site, version = excluded.version, sha256 = excluded.sha256, at = excluded.at,
                            rejected_version = CASE WHEN node_policies.rejected_version <= excluded.version THEN NULL ELSE node_policies.rejected_version END,
                            rejected_sha256 = CASE WHEN node_policies.rejected_version <= excluded.version THEN NULL ELSE node_policies.rejected_sha256 END,
                            rejected_reason = CASE WHEN node_policies.rejected_version <= excluded.version THEN NULL ELSE node_policies.rejected_reason END,
                            rejected_at = CASE WHEN node_policies.rejected_version <= excluded.version THEN NULL ELSE node_policies.rejected_at END;
                        """, tx).Bind("@node", r.NodeId).Bind("@site", r.Site).Bind("@version", r.Version).Bind("@sha", r.Sha256).Bind("@at", r.AtMs));
                    break;
                case NodeReports.CheckpointSigned r:
                    IndexCheckpoint(r, tx);
                    break;
                case NodeReports.PolicyRejected r:
                    Execute(Writer.Command("""
                        INSERT INTO node_policies(node_id, site, version, sha256, at, rejected_version, rejected_sha256, rejected_reason, rejected_at)
                        VALUES (@node, @site, 0, '', NULL, @version, @sha, @reason, @at)
                        ON CONFLICT(node_id) DO UPDATE SET site = excluded.site, rejected_version = excluded.rejected_version,
                            rejected_sha256 = excluded.rejected_sha256, rejected_reason = excluded.rejected_reason, rejected_at = excluded.rejected_at;
                        """, tx).Bind("@node", r.NodeId).Bind("@site", r.Site).Bind("@version", r.Version).Bind("@sha", r.Sha256)
                        .Bind("@reason", r.Reason).Bind("@at", r.AtMs));
                    break;
            }
        }
    }

    private void InsertApproval(NodeReports.ApprovalRequested r, DbTransaction tx)
    {
        using var command = Writer.Command("""
            INSERT INTO approvals(id, node_id, site, device, rule, action, role, reading_seq, reading_ts, deadline, max_age,
                on_timeout, offline, requested_seq, requested_at)
            VALUES (@id, @node, @site, @device, @rule, @action, @role, @readingSeq, @readingTs, @deadline, @maxAge,
                @onTimeout, @offline, @seq, @at)
            ON CONFLICT(id) DO NOTHING;
            """, tx)
            .Bind("@id", r.ApprovalId).Bind("@node", r.NodeId).Bind("@site", r.Site).Bind("@device", r.Device).Bind("@rule", r.Rule)
            .Bind("@action", r.Action).Bind("@role", r.Role).Bind("@readingSeq", r.ReadingSeq).Bind("@readingTs", r.ReadingTs)
            .Bind("@deadline", r.Deadline).Bind("@maxAge", r.MaxAge).Bind("@onTimeout", r.OnTimeout).Bind("@offline", r.Offline)
            .Bind("@seq", r.Sequence).Bind("@at", r.AtMs);
        if (command.ExecuteNonQuery() == 0 && FindApprovalOwner(r.ApprovalId, tx)?.NodeId != r.NodeId)
            HubLog.ReportUnmatched(_logger, r.NodeId, r.Sequence, nameof(NodeReports.ApprovalRequested), r.ApprovalId,
                "another node already requested an approval with this id");
    }

    /// <summary>Runs an update of one approval of the reporting node's site; when it changes nothing, says why unless
    /// it is a repeat of something already recorded (the approval belongs to the site).</summary>
    private void Expect(NodeReports.Report report, string approvalId, DbCommand update, DbTransaction tx)
    {
        using (update)
        {
            if (update.Bind("@id", approvalId).Bind("@node", report.NodeId).Bind("@site", report.Site).Bind("@seq", report.Sequence).ExecuteNonQuery() > 0)
                return;
        }
        var owner = FindApprovalOwner(approvalId, tx);
        if (owner is { } o && o.Site == report.Site)
            return;
        HubLog.ReportUnmatched(_logger, report.NodeId, report.Sequence, report.GetType().Name, approvalId,
            owner is { } other ? $"it was requested by node {other.NodeId} of site {other.Site}" : "the hub holds no request for it");
    }

    private (string NodeId, string Site)? FindApprovalOwner(string approvalId, DbTransaction tx)
    {
        using var command = Writer.Command("SELECT node_id, site FROM approvals WHERE id = @id;", tx).Bind("@id", approvalId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    private static void Execute(DbCommand command)
    {
        using (command)
            command.ExecuteNonQuery();
    }
}
