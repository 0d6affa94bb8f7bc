using System.Data.Common;

namespace Mesh.Hub.Storage;

/// <summary>
/// The hub's schema as a versioned list of migrations, written once in the SQL both databases speak (SQLite's type names;
/// <see cref="ForPostgres"/> translates the few that differ). A migration runs in the transaction that records the new
/// version, so it runs exactly once. SQLite keeps its version in <c>PRAGMA user_version</c>, PostgreSQL in the table
/// <c>schema_version</c>.
/// </summary>
internal static partial class HubSchema
{
    public static int Version => Migrations.Length;

    /// <summary>Migration i takes the schema from version i to i + 1. Never edit a published one: append.</summary>
    private static readonly string[] Migrations = [V1Sql, V2Sql, V3Sql, V4Sql, V5Sql, V6Sql, V7Sql, V8Sql];

    /// <summary>What PostgreSQL adds to migration i (by index), after the common part.</summary>
    private static readonly Dictionary<int, string> PostgresExtras = new() { [3] = V4PostgresSql };

    private static HubStorageException Newer(string where, long version) =>
        new($"{where}: schema version {version} was written by a newer hub (this one knows {Version})");

    private static void Execute(DbConnection connection, string sql, DbTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, string sql, DbTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command.ExecuteScalar();
    }
}
