using System.Data.Common;

namespace Mesh.Hub.Storage;

/// <summary>
/// What differs between the databases behind <see cref="HubStore"/>: how connections open, how the schema is migrated and
/// how a batch of records is inserted fast. Everything else, the store's SQL, is written once against ADO.NET and runs on
/// both. The database owns the one writer connection; <see cref="HubStore"/> serializes its use.
/// </summary>
internal abstract class HubDatabase : IDisposable
{
    /// <summary>The store as logs name it: the SQLite file, or the PostgreSQL connection string without its password.</summary>
    public abstract string Location { get; }

    /// <summary>The writer connection, open. Call only under the store's write lock.</summary>
    public abstract DbConnection Writer { get; }

    /// <summary>A connection for reading, from a pool; reading never blocks the writer.</summary>
    public abstract DbConnection OpenReader();

    /// <summary>Applies the migrations the database lacks, in one transaction; refuses a newer schema.</summary>
    public abstract void Migrate();

    /// <summary>Inserts a node's records, of <paramref name="site"/>, through the writer inside <paramref name="tx"/>.</summary>
    public abstract void InsertRecords(DbTransaction tx, string nodeId, string site, IReadOnlyList<RecordToStore> records);

    public abstract void Dispose();

    public static HubDatabase Create(HubOptions options) => options.Store.IsPostgreSql
        ? new PostgresHubDatabase(options.Store.ConnectionString)
        : new SqliteHubDatabase(options.DataPath);
}
