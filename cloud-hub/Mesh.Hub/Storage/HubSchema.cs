using Microsoft.Data.Sqlite;

namespace Mesh.Hub.Storage;

/// <summary>Creates and checks the hub's SQLite schema.</summary>
internal static class HubSchema
{
    public const int Version = 1;

    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS nodes(
            node_id       TEXT    NOT NULL PRIMARY KEY,
            site          TEXT    NOT NULL,
            last_seq      INTEGER NOT NULL,
            last_hash     BLOB    NOT NULL,
            head_seq      INTEGER NOT NULL,
            last_seen_utc TEXT    NOT NULL);
        CREATE TABLE IF NOT EXISTS records(
            node_id     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            kind        INTEGER NOT NULL,
            device      TEXT    NOT NULL,
            hlc_wall    INTEGER NOT NULL,
            message_key TEXT    NOT NULL,
            hash        BLOB    NOT NULL,
            canonical   BLOB    NOT NULL,
            PRIMARY KEY(node_id, seq));
        """;

    /// <summary>Switches the file to WAL with full fsync on commit (an ack must survive power loss) and
    /// creates the tables when missing.</summary>
    public static void Apply(SqliteConnection connection, string path)
    {
        var mode = Scalar(connection, "PRAGMA journal_mode=WAL;");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new HubStorageException($"{path}: SQLite refused WAL mode (journal_mode is '{mode}')");
        Execute(connection, "PRAGMA synchronous=FULL;");
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
            throw new HubStorageException($"{path}: schema version {version} was written by a newer hub (this one knows {Version})");
        using var tx = connection.BeginTransaction();
        Execute(connection, CreateSql, tx);
        Execute(connection, $"PRAGMA user_version={Version};", tx);
        tx.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        command.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }
}
