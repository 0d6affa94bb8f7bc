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
