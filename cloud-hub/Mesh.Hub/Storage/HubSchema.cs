using Microsoft.Data.Sqlite;

namespace Mesh.Hub.Storage;

/// <summary>Creates, migrates and checks the hub's SQLite schema. <c>PRAGMA user_version</c> is the schema
/// version; each migration only adds (<c>IF NOT EXISTS</c>), so re-running one is harmless.</summary>
internal static partial class HubSchema
{
    public static int Version => Migrations.Length;

    /// <summary>Migration i takes the schema from version i to i + 1. Never edit a published one: append.</summary>
    private static readonly string[] Migrations = [V1Sql, V2Sql, V3Sql];

    /// <summary>Switches the file to WAL with full fsync on commit (an ack must survive power loss) and
    /// applies the migrations the file lacks, in one transaction.</summary>
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
        for (var i = version; i < Migrations.Length; i++)
            Execute(connection, Migrations[i], tx);
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
