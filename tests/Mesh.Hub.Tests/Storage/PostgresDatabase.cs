namespace Mesh.Hub.Tests.Storage;

/// <summary>A fresh database on the test assembly's PostgreSQL server, one per test class that takes it.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() =>
        ConnectionString = await (await PostgresServer.Shared).CreateDatabaseAsync("hub");

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Hub options on this database.</summary>
    public HubOptions Options => new() { Store = new() { Provider = "postgresql", ConnectionString = ConnectionString } };

    /// <summary>Command-line arguments that start a hub on this database.</summary>
    public string[] HubArgs => ["--Hub:Store:Provider=postgresql", $"--Hub:Store:ConnectionString={ConnectionString}"];
}
