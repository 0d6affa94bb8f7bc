using Mesh.Hub.Storage;
using Mesh.Protocol;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.AuditConsole.Decisions;

/// <summary>
/// One audit record explained: the decoded record, its place in the chain (its hash recomputed from the stored bytes and
/// its link checked against the stored record before it), and the approvals that belong to the same reading.
/// </summary>
public sealed record DecisionView(
    StoredNode Node, long Sequence, AuditRecord? Record, byte[] StoredHash, bool HashMatches, bool? LinkMatches, IReadOnlyList<StoredApproval> Approvals,
    string? Problem)
{
    /// <summary>Null when the node or the record is unknown.</summary>
    public static DecisionView? Read(HubStore store, string nodeId, long seq)
    {
        if (store.FindNode(nodeId) is not { } node || seq < 1)
            return null;
        var around = store.ReadRecords(nodeId, seq - 2, 2);
        var stored = around.FirstOrDefault(r => r.Sequence == seq);
        if (stored is null)
            return null;
        var before = around.FirstOrDefault(r => r.Sequence == seq - 1);
        AuditRecord record;
        try
        {
            record = AuditRecordCodec.Decode(stored.Canonical) with { Hash = stored.Hash };
        }
        catch (AuditFormatException ex)
        {
            return new DecisionView(node, seq, null, stored.Hash, false, null, [], $"the stored bytes do not decode: {ex.Message}");
        }
        var hashMatches = AuditRecordCodec.ComputeHash(stored.Canonical).AsSpan().SequenceEqual(stored.Hash);
        bool? linkMatches = seq == 1
            ? record.PreviousHash.Span.SequenceEqual(AuditRecordCodec.GenesisHash.Span)
            : before is null ? null : record.PreviousHash.Span.SequenceEqual(before.Hash);
        var approvals = record.Device.Length == 0 ? [] : store.ReadApprovalsOfRecord(nodeId, record.Device, seq, ReadingOf(record));
        return new DecisionView(node, seq, record, stored.Hash, hashMatches, linkMatches, approvals, null);
    }

    /// <summary>The reading a record answers, from its input key <c>device#seq</c>; null for other keys.</summary>
    private static long? ReadingOf(AuditRecord record) =>
        record.MessageKey.StartsWith(record.Device + "#", StringComparison.Ordinal)
        && long.TryParse(record.MessageKey.AsSpan(record.Device.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var reading)
            ? reading : null;
}
