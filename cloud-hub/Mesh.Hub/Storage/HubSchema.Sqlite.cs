using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mesh.Hub.Storage;

internal static partial class HubSchema
{
    /// <summary>Switches the file to WAL with full fsync on commit (an ack must survive power loss) and
    /// applies the migrations the file lacks, in one transaction.</summary>
    public static void ApplySqlite(SqliteConnection connection, string path)
    {
        var mode = Scalar(connection, "PRAGMA journal_mode=WAL;")?.ToString();
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new HubStorageException($"{path}: SQLite refused WAL mode (journal_mode is '{mode}')");
        Execute(connection, "PRAGMA synchronous=FULL;");
        var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version > Version)
            throw Newer(path, version);
        using var tx = connection.BeginTransaction();
        for (var i = (int)version; i < Migrations.Length; i++)
            Execute(connection, Migrations[i], tx);
        Execute(connection, $"PRAGMA user_version={Version};", tx);
        tx.Commit();
    }
}
