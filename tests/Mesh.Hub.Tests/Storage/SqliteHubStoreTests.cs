namespace Mesh.Hub.Tests.Storage;

/// <summary>The store contract on the embedded default: a SQLite file in a fresh temp folder per test.</summary>
public sealed class SqliteHubStoreTests : HubStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mesh-hub-store", Guid.NewGuid().ToString("N"));

    protected override HubOptions Options => new() { DataPath = Path.Combine(_folder, "hub.db") };

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
