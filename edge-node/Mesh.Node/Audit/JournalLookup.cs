using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>
/// Reads the node's audit journal for the runtime, through its own read-only connection: a device's readings
/// since a snapshot (to rebuild its state), approvals (which device, how settled, which are open) and the
/// policies ever activated. The journal is the record of truth; the device agents hold the live state.
/// </summary>
public sealed class JournalLookup : IDisposable
{
    private readonly SqliteConnection _conn;
    private readonly Lock _lock = new();

    public JournalLookup(AuditJournal journal)
    {
        _conn = AuditJournalStore.OpenReader(journal.Path);
    }

    /// <summary>The device an approval was requested for, or null if this node never recorded the request.</summary>
    public string? DeviceOf(string approvalId)
    {
        lock (_lock)
            return AuditJournalStore.ReadByKey(_conn, approvalId, AuditKind.ApprovalRequested)?.Device;
    }

    /// <summary>The record that settled an approval, or null if none is recorded.</summary>
    public AuditRecord? Settlement(string approvalId)
    {
        lock (_lock)
            return AuditJournalStore.ReadByKey(_conn, approvalId, AuditKind.ApprovalResolved);
    }

    public IReadOnlyList<string> DevicesWithPendingApprovals()
    {
        lock (_lock)
            return AuditJournalStore.DevicesWithPendingApprovals(_conn);
    }

    /// <summary>The device's Observation records after journal sequence <paramref name="after"/>, in order.</summary>
    public IReadOnlyList<AuditRecord> ObservationsAfter(string device, long after)
    {
        lock (_lock)
            return AuditJournalStore.ReadObservationsAfter(_conn, device, after);
    }

    /// <summary>What a device agent rebuilds its state from after its snapshot at journal mark <paramref name="snapshotMark"/>:
    /// the device's Observation records after it, and — when the journal was pruned past that mark — the device's state
    /// as of the pruned boundary to start from instead of the snapshot (<see cref="Recovery.Start"/>). Consistent even
    /// while the journal is being pruned: pruning only moves the boundary forward, and a move during the read reads again.</summary>
    public Recovery RecoveryFrom(string device, long snapshotMark)
    {
        lock (_lock)
        {
            while (true)
            {
                var boundary = AuditJournalStore.ReadBoundary(_conn).Through;
                var (mark, start) = snapshotMark >= boundary
                    ? (snapshotMark, (Agents.DeviceState?)null)
                    : (boundary, AuditJournalStore.ReadPrunedState(_conn, device));
                var observations = AuditJournalStore.ReadObservationsAfter(_conn, device, mark);
                if (AuditJournalStore.ReadBoundary(_conn).Through == boundary)
                    return new Recovery(mark, start, observations);
            }
        }
    }

    /// <summary>See <see cref="RecoveryFrom"/>. <paramref name="Start"/> null: go on from the snapshot's state.</summary>
    public sealed record Recovery(long Mark, Agents.DeviceState? Start, IReadOnlyList<AuditRecord> Observations);

    /// <summary>Model spending recorded in pruned Observation records on the latest UTC day they cover (yyyyMMdd, micro-USD).</summary>
    public (long Day, long Micros) PrunedSpend()
    {
        lock (_lock)
            return AuditJournalStore.ReadPrunedSpend(_conn);
    }

    /// <summary>Every PolicyActivated record, in order.</summary>
    public IReadOnlyList<AuditRecord> PolicyActivations()
    {
        lock (_lock)
            return AuditJournalStore.ReadAllOfKind(_conn, AuditKind.PolicyActivated);
    }

    /// <summary>Observation records at or below sequence <paramref name="before"/>, newest first, at most
    /// <paramref name="limit"/> (for walking the journal back, e.g. over today's spending).</summary>
    public IReadOnlyList<AuditRecord> ObservationsBackFrom(long before, int limit)
    {
        lock (_lock)
        {
            using var cmd = _conn.CreateCommand();
            cmd.CommandText = "SELECT canonical FROM audit WHERE kind = $k AND seq <= $before ORDER BY seq DESC LIMIT $limit";
            cmd.Parameters.AddWithValue("$k", (int)AuditKind.Observation);
            cmd.Parameters.AddWithValue("$before", before);
            cmd.Parameters.AddWithValue("$limit", limit);
            using var r = cmd.ExecuteReader();
            var records = new List<AuditRecord>(limit);
            while (r.Read())
                records.Add(AuditRecordCodec.Decode((byte[])r[0]));
            return records;
        }
    }

    public void Dispose() => _conn.Dispose();
}
