using Mesh.Node;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Cli.NodeDoctor;

/// <summary>
/// <c>mesh node doctor</c>'s journal check: the journal opens and its last record matches its hash (what the node reads
/// first at start), and no damaged copy from an earlier rebuild is left lying beside it unexamined.
/// </summary>
internal static class JournalCheck
{
    public static DoctorFinding Run(NodeOptions o, string data)
    {
        var path = Path.Combine(data, AuditJournalStore.FileName);
        var copies = Directory.Exists(data)
            ? Directory.GetFiles(data, AuditJournalStore.FileName + ".damaged-*").Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)).Order().ToList()
            : [];
        if (!File.Exists(path))
            return DoctorFinding.Ok("journal", $"no journal yet ({path}): the node starts one");
        string head;
        try
        {
            using var c = AuditJournalStore.OpenReader(path);
            var last = AuditJournalStore.ReadLast(c);
            if (last is not null && !AuditRecordCodec.ComputeHash(AuditRecordCodec.Encode(last)).AsSpan().SequenceEqual(last.Hash.Span))
                return DoctorFinding.Fail("journal", $"{path}: the last record (sequence {last.Sequence}) does not match its hash",
                    $"the node will not start on it: run 'mesh audit verify --journal {path}' and compare with the hub's copy");
            head = last is null ? "empty" : $"head {last.Sequence}";
        }
        catch (SqliteException ex) when (JournalDamagedException.IsDamage(ex))
        {
            return o.Journal.OnDamage == JournalDamage.Rebuild
                ? DoctorFinding.Warn("journal", $"{path} is damaged (SQLite error {ex.SqliteErrorCode})",
                    "the node rebuilds it at its next start from what still reads and from the hub (Node:Journal:OnDamage=Rebuild); keep the hub within reach")
                : DoctorFinding.Fail("journal", $"{path} is damaged (SQLite error {ex.SqliteErrorCode}) and Node:Journal:OnDamage=Refuse",
                    $"the node will not start: look at it with 'mesh audit verify --journal {path}', then set Node:Journal:OnDamage=Rebuild to rebuild it");
        }
        if (copies.Count > 0)
            return DoctorFinding.Warn("journal", $"{path}: {head}; rebuilt after damage, the damaged file kept as {string.Join(", ", copies.Select(Path.GetFileName))}",
                "look at it ('mesh audit verify --journal FILE'; the JournalRecovered record says what was salvaged), then delete it to free its space");
        return DoctorFinding.Ok("journal", $"{path}: {head}");
    }
}
