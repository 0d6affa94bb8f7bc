using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Mesh.Hub.Storage;

/// <summary>The embedded store: one SQLite file in WAL mode. One connection writes; reads open pooled read-only
/// connections, which WAL lets run beside the writer.</summary>
internal sealed partial class SqliteHubDatabase : HubDatabase
{
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;

    public SqliteHubDatabase(string dataPath)
    {
        Path = System.IO.Path.GetFullPath(dataPath);
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        _writer = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            _writer.Open();
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Full path of the SQLite file.</summary>
    public string Path { get; }

    public override string Location => Path;

    public override DbConnection Writer => _writer;

    public override DbConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    public override void Migrate() => HubSchema.ApplySqlite(_writer, Path);

    public override void Dispose()
    {
        _insertMany?.Dispose();
        _insertOne?.Dispose();
        _writer.Dispose();
        // Pooled read connections hold the file open; release them so the file can be moved or deleted.
        using var probe = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(probe);
    }
}
