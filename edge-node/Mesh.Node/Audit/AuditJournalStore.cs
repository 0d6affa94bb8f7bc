using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>
/// The SQLite file behind a node's audit journal (<c>audit.db</c>): one row per record, keyed by sequence,
/// holding the canonical bytes and hash exactly as sealed. WAL with synchronous=FULL: a committed
/// transaction survives power loss. A journal may be pruned at its start (<c>AuditJournalStore.Pruning.cs</c>).
/// </summary>
public static partial class AuditJournalStore
{
    public const string FileName = "audit.db";

    /// <summary>One record's row, the same for an append and a rebuild; parameters $seq, $kind, $device, $key, $canonical, $hash.</summary>
    internal const string InsertSql = "INSERT INTO audit (seq, kind, device, message_key, canonical, hash) VALUES ($seq, $kind, $device, $key, $canonical, $hash)";

    public static SqliteConnection OpenWriter(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        c.Open();
        // A new journal tracks its free pages, so pruning can hand them back to the file system (incremental_vacuum);
        // auto_vacuum can only be chosen before the first table exists.
        if (Scalar(c, "PRAGMA page_count") == 0)
            Exec(c, "PRAGMA auto_vacuum=INCREMENTAL;");
        Exec(c, "PRAGMA journal_mode=WAL;");
        Exec(c, "PRAGMA synchronous=FULL;");
        Exec(c, $"PRAGMA journal_size_limit={WalSizeLimit};");
        Exec(c, """
            CREATE TABLE IF NOT EXISTS audit (
                seq INTEGER PRIMARY KEY,
                kind INTEGER NOT NULL,
                device TEXT NOT NULL,
                message_key TEXT NOT NULL,
                canonical BLOB NOT NULL,
                hash BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS audit_message_key ON audit(message_key, kind);
            CREATE INDEX IF NOT EXISTS audit_control ON audit(kind, seq) WHERE kind >= 5;
            """);
        Exec(c, PruningSchema);
        return c;
    }

    public static SqliteConnection OpenReader(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    /// <summary>The newest record, or null for an empty journal.</summary>
    public static AuditRecord? ReadLast(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT canonical, hash FROM audit ORDER BY seq DESC LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? AuditRecordCodec.Decode((byte[])r[0]) with { Hash = (byte[])r[1] } : null;
    }

    /// <summary>Stored rows after <paramref name="after"/>, in order, as canonical bytes and hash.</summary>
    public static List<StoredRecord> ReadAfter(SqliteConnection c, long after, int limit)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, canonical, hash FROM audit WHERE seq > $after ORDER BY seq LIMIT $limit";
        cmd.Parameters.AddWithValue("$after", after);
        cmd.Parameters.AddWithValue("$limit", limit);
        using var r = cmd.ExecuteReader();
        var rows = new List<StoredRecord>(limit);
        while (r.Read())
            rows.Add(new StoredRecord(r.GetInt64(0), (byte[])r[1], (byte[])r[2]));
        return rows;
    }

    /// <summary>Message keys that more than one record of <paramref name="kind"/> carries: a reading decided, or an action
    /// sent, twice. Empty for a sound journal.</summary>
    public static List<string> DuplicateMessageKeys(SqliteConnection c, AuditKind kind)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT message_key FROM audit WHERE kind = $k GROUP BY message_key HAVING COUNT(*) > 1";
        cmd.Parameters.AddWithValue("$k", (int)kind);
        using var r = cmd.ExecuteReader();
        var keys = new List<string>();
        while (r.Read())
            keys.Add(r.GetString(0));
        return keys;
    }

    /// <summary>The stored hash of record <paramref name="seq"/>, or null when there is none.</summary>
    public static byte[]? ReadHash(SqliteConnection c, long seq)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT hash FROM audit WHERE seq = $seq";
        cmd.Parameters.AddWithValue("$seq", seq);
        return cmd.ExecuteScalar() as byte[];
    }

    /// <summary>The newest record of a node-level kind (policy and approval records, kind 5 and up), or null.</summary>
    public static AuditRecord? ReadLastOfKind(SqliteConnection c, AuditKind kind)
    {
        using var cmd = c.CreateCommand();
        // "kind >= 5" lets SQLite use the partial index audit_control.
        cmd.CommandText = "SELECT canonical, hash FROM audit WHERE kind >= 5 AND kind = $k ORDER BY seq DESC LIMIT 1";
        cmd.Parameters.AddWithValue("$k", (int)kind);
        using var r = cmd.ExecuteReader();
        return r.Read() ? AuditRecordCodec.Decode((byte[])r[0]) with { Hash = (byte[])r[1] } : null;
    }

    /// <summary>The first record with this key and kind, or null.</summary>
    public static AuditRecord? ReadByKey(SqliteConnection c, string messageKey, AuditKind kind)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT canonical, hash FROM audit WHERE message_key = $key AND kind = $k ORDER BY seq LIMIT 1";
        cmd.Parameters.AddWithValue("$key", messageKey);
        cmd.Parameters.AddWithValue("$k", (int)kind);
        using var r = cmd.ExecuteReader();
        return r.Read() ? AuditRecordCodec.Decode((byte[])r[0]) with { Hash = (byte[])r[1] } : null;
    }

    /// <summary>A device's Observation records after journal sequence <paramref name="after"/>, in sequence order
    /// (a range scan of the message-key index: a reading's key is <c>device#seq</c>).</summary>
    public static List<AuditRecord> ReadObservationsAfter(SqliteConnection c, string device, long after)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT canonical, hash FROM audit WHERE message_key >= $from AND message_key < $to AND kind = $k AND seq > $after";
        cmd.Parameters.AddWithValue("$from", device + "#");
        cmd.Parameters.AddWithValue("$to", device + "$");
        cmd.Parameters.AddWithValue("$k", (int)AuditKind.Observation);
        cmd.Parameters.AddWithValue("$after", after);
        using var r = cmd.ExecuteReader();
        var records = new List<AuditRecord>();
        while (r.Read())
            records.Add(AuditRecordCodec.Decode((byte[])r[0]) with { Hash = (byte[])r[1] });
        records.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return records;
    }

    /// <summary>Every record of a node-level kind (kind 5 and up), in sequence order.</summary>
    public static List<AuditRecord> ReadAllOfKind(SqliteConnection c, AuditKind kind)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT canonical, hash FROM audit WHERE kind >= 5 AND kind = $k ORDER BY seq";
        cmd.Parameters.AddWithValue("$k", (int)kind);
        using var r = cmd.ExecuteReader();
        var records = new List<AuditRecord>();
        while (r.Read())
            records.Add(AuditRecordCodec.Decode((byte[])r[0]) with { Hash = (byte[])r[1] });
        return records;
    }

    /// <summary>Devices with an approval requested and not yet resolved.</summary>
    public static List<string> DevicesWithPendingApprovals(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText =
            "SELECT DISTINCT a.device FROM audit a WHERE a.kind >= 5 AND a.kind = $requested "
            + "AND NOT EXISTS (SELECT 1 FROM audit b WHERE b.message_key = a.message_key AND b.kind = $resolved)";
        cmd.Parameters.AddWithValue("$requested", (int)AuditKind.ApprovalRequested);
        cmd.Parameters.AddWithValue("$resolved", (int)AuditKind.ApprovalResolved);
        using var r = cmd.ExecuteReader();
        var devices = new List<string>();
        while (r.Read())
            devices.Add(r.GetString(0));
        return devices;
    }

    public static long Count(SqliteConnection c, AuditKind? kind = null)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = kind is null ? "SELECT COUNT(*) FROM audit" : "SELECT COUNT(*) FROM audit WHERE kind = $k";
        if (kind is not null)
            cmd.Parameters.AddWithValue("$k", (int)kind);
        return (long)cmd.ExecuteScalar()!;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

/// <summary>A journal row as stored.</summary>
public sealed record StoredRecord(long Seq, byte[] Canonical, byte[] Hash);
