using Mesh.Node.Audit;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Reads a node's journal file (audit.db) directly, read-only, while the node may still be writing it.</summary>
public static class JournalFile
{
    public static List<AuditRecord> ReadAll(string path)
    {
        using var c = AuditJournalStore.OpenReader(path);
        var all = new List<AuditRecord>();
        long after = 0;
        while (true)
        {
            var rows = AuditJournalStore.ReadAfter(c, after, 1000);
            if (rows.Count == 0)
                return all;
            all.AddRange(rows.Select(r => AuditRecordCodec.Decode(r.Canonical)));
            after = rows[^1].Seq;
        }
    }

    public static List<AuditRecord> OfDevice(string path, string device) =>
        [.. ReadAll(path).Where(r => r.Device == device)];

    public static AuditRecord? Find(string path, AuditKind kind, string messageKey) =>
        ReadAll(path).FirstOrDefault(r => r.Kind == kind && r.MessageKey == messageKey);
}
