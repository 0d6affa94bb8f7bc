using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>
/// The SQLite file behind a node's audit journal (<c>audit.db</c>): one row per record, keyed by sequence,
/// holding the canonical bytes and hash exactly as sealed. WAL with synchronous=FULL: a committed
/// transaction survives power loss.
/// </summary>
public static class AuditJournalStore
{
    public const string FileName = "audit.db";

    public static SqliteConnection OpenWriter(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL;");
        Exec(c, "PRAGMA synchronous=FULL;");
        Exec(c, """
            CREATE TABLE IF NOT EXISTS audit (
                seq INTEGER PRIMARY KEY,
                kind INTEGER NOT NULL,
                device TEXT NOT NULL,
                message_key TEXT NOT NULL,
                canonical BLOB NOT NULL,
                hash BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS audit_message_key ON audit(message_key, kind);
            """);
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

    /// <summary>The stored hash of record <paramref name="seq"/>, or null when there is none.</summary>
    public static byte[]? ReadHash(SqliteConnection c, long seq)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT hash FROM audit WHERE seq = $seq";
        cmd.Parameters.AddWithValue("$seq", seq);
        return cmd.ExecuteScalar() as byte[];
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
