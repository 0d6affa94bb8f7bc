using System.Data.Common;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    private const string ApprovalColumns = """
        id, node_id, site, device, rule, action, role, reading_seq, reading_ts, deadline, max_age, on_timeout, offline,
        requested_seq, requested_at, decision_approved, decision_by, decision_comment, decision_at, decision_late, late_seq,
        resolution_outcome, resolution_by, resolution_comment, resolution_at, resolution_executed, resolved_seq, resolved_node, late_node
        """;

    /// <summary>
    /// Records an operator's decision and logs the action in one transaction, durably, before anyone relays it.
    /// One decision per approval: a second is refused. A decision on an approval the node already resolved is
    /// stored as late; the node will record it as such.
    /// </summary>
    public ApprovalDecisionResult DecideApproval(string id, bool approved, string by, string comment, long atMs, Func<StoredApproval, HubActionDraft> action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Run($"record the decision on approval {id}", () =>
            {
                var current = FindApproval(Writer, id);
                if (current is null)
                    return new ApprovalDecisionResult(ApprovalDecisionStatus.NotFound, null);
                if (current.Decision is not null)
                    return new ApprovalDecisionResult(ApprovalDecisionStatus.AlreadyDecided, current);
                var decided = current with { Decision = new OperatorDecision(approved, by, comment, atMs, Late: current.ResolvedSeq is not null) };
                using var tx = Writer.BeginTransaction();
                Execute(Writer.Command("""
                    UPDATE approvals SET decision_approved = @approved, decision_by = @by, decision_comment = @comment,
                        decision_at = @at, decision_late = @late
                    WHERE id = @id;
                    """, tx).Bind("@approved", approved).Bind("@by", by).Bind("@comment", comment).Bind("@at", atMs)
                    .Bind("@late", decided.Decision.Late).Bind("@id", id));
                InsertHubAction(action(decided), atMs, tx);
                tx.Commit();
                return new ApprovalDecisionResult(ApprovalDecisionStatus.Decided, decided);
            });
        }
    }

    public StoredApproval? FindApproval(string id) => Read($"read approval {id}", connection => FindApproval(connection, id));

    /// <summary>Approvals, newest request first; null filters select everything.</summary>
    public IReadOnlyList<StoredApproval> ReadApprovals(ApprovalState? state, string? site, string? nodeId, int limit) =>
        Read("read approvals", connection => ReadApprovals(connection, $"""
            (@state IS NULL
                OR (@state = 0 AND decision_at IS NULL AND resolved_seq IS NULL)
                OR (@state = 1 AND decision_at IS NOT NULL AND resolved_seq IS NULL)
                OR (@state = 2 AND resolved_seq IS NOT NULL))
            AND (@site IS NULL OR site = @site) AND (@node IS NULL OR node_id = @node)
            ORDER BY requested_at DESC, id LIMIT {limit}
            """, c => c.Bind("@state", (int?)state).Bind("@site", site).Bind("@node", nodeId)));

    /// <summary>The approvals a record of a node's device belongs to: requested, settled or answered late by the record at
    /// <paramref name="seq"/> (settled also when another member of the site requested it), or asked for by the reading
    /// with sequence <paramref name="readingSeq"/>; oldest first.</summary>
    public IReadOnlyList<StoredApproval> ReadApprovalsOfRecord(string nodeId, string device, long seq, long? readingSeq) =>
        Read($"read approvals of record {seq} of node {nodeId}", connection => ReadApprovals(connection, """
            device = @device AND (
                (node_id = @node AND (requested_seq = @seq OR reading_seq = @reading))
                OR (resolved_node = @node AND resolved_seq = @seq)
                OR (late_node = @node AND late_seq = @seq))
            ORDER BY requested_at, id
            """, c => c.Bind("@node", nodeId).Bind("@device", device).Bind("@seq", seq).Bind("@reading", readingSeq)));

    /// <summary>The node's decided approvals it has not yet recorded (<see cref="StoredApproval.AwaitsDelivery"/>),
    /// in the order they were decided.</summary>
    public IReadOnlyList<StoredApproval> ReadUndeliveredDecisions(string nodeId) =>
        Read($"read undelivered decisions of node {nodeId}", connection => ReadApprovals(connection, """
            node_id = @node AND decision_at IS NOT NULL AND late_seq IS NULL AND (resolved_seq IS NULL OR decision_late = 1)
            ORDER BY decision_at, id
            """, c => c.Bind("@node", nodeId)));

    private static StoredApproval? FindApproval(DbConnection connection, string id) =>
        ReadApprovals(connection, "id = @id", c => c.Bind("@id", id)).FirstOrDefault();

    private static List<StoredApproval> ReadApprovals(DbConnection connection, string clause, Action<DbCommand> bind)
    {
        using var command = connection.Command($"SELECT {ApprovalColumns} FROM approvals WHERE {clause};");
        bind(command);
        using var reader = command.ExecuteReader();
        var approvals = new List<StoredApproval>();
        while (reader.Read())
            approvals.Add(ReadApproval(reader));
        return approvals;
    }

    private static StoredApproval ReadApproval(DbDataReader r)
    {
        var decision = r.IsDBNull(18) ? null
            : new OperatorDecision(r.GetInt64(15) != 0, r.GetString(16), r.GetString(17), r.GetInt64(18), r.GetInt64(19) != 0);
        var resolution = r.IsDBNull(26) ? null
            : new NodeResolution(r.GetString(21), r.GetString(22), r.GetString(23), r.GetString(24), r.GetInt64(25) != 0);
        return new StoredApproval(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
            r.GetInt64(7), r.GetString(8), r.GetString(9), r.GetString(10), r.GetString(11), r.GetString(12),
            r.GetInt64(13), r.GetInt64(14), decision, r.GetInt64OrNull(20), resolution, r.GetInt64OrNull(26))
        {
            ResolvedBy = r.IsDBNull(27) ? null : r.GetString(27),
            LateBy = r.IsDBNull(28) ? null : r.GetString(28),
        };
    }
}
