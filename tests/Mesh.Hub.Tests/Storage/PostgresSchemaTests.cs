using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Mesh.Hub.Tests.Storage;

/// <summary>Migrations and opening on PostgreSQL; each test takes a fresh database of its own.</summary>
public sealed class PostgresSchemaTests
{
    [Fact]
    public async Task Open_TwoHubsAtOnceOnAFreshDatabase_BothOpenAndTheSchemaIsCurrent()
    {
        var connectionString = await FreshDatabaseAsync();
        using var start = new Barrier(2);

        var stores = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            return Open(connectionString);
        })));

        foreach (var store in stores)
            store.Dispose();
        SchemaVersion(connectionString).ShouldBe(HubSchema.Version);
    }

    [Fact]
    public async Task Open_SchemaOfANewerHub_RefusedNamingBothVersions()
    {
        var connectionString = await FreshDatabaseAsync();
        Open(connectionString).Dispose();
        Execute(connectionString, "UPDATE schema_version SET version = 99;");

        Should.Throw<HubStorageException>(() => Open(connectionString)).Message
            .ShouldEndWith($"schema version 99 was written by a newer hub (this one knows {HubSchema.Version})");
        SchemaVersion(connectionString).ShouldBe(99);
    }

    [Fact]
    public async Task Open_Version1Database_MigratesAndKeepsItsRecords()
    {
        var connectionString = await FreshDatabaseAsync();
        var chain = new TestChain();
        chain.Next(2);
        using (var store = Open(connectionString))
            store.Append(chain.NodeId, chain.SiteId, new(0, Mesh.Protocol.Audit.AuditRecordCodec.GenesisHash),
                [.. chain.Range(1, 2).Select(r => new RecordToStore(r, Mesh.Protocol.Audit.AuditRecordCodec.Encode(r)))], 2, DateTime.UtcNow);
        Execute(connectionString, """
            DROP TABLE policy_versions; DROP TABLE policy_activations; DROP TABLE node_policies;
            DROP TABLE approvals; DROP TABLE hub_actions; DROP TABLE site_state;
            ALTER TABLE records DROP COLUMN site; ALTER TABLE nodes DROP COLUMN profile; ALTER TABLE nodes DROP COLUMN version;
            UPDATE schema_version SET version = 1;
            """);

        using var reopened = Open(connectionString);
        reopened.FindNode(chain.NodeId)!.LastSeq.ShouldBe(2);
        reopened.ReadTimeline(new TimelineFilter(Site: chain.SiteId), 10).Records.Select(r => r.Seq).ShouldBe([2L, 1L]);
        reopened.ReadSiteState("site-a").ShouldBeEmpty();
        reopened.ReadHubActions(0, 10).ShouldBeEmpty();
        SchemaVersion(connectionString).ShouldBe(HubSchema.Version);
    }

    [Fact]
    public void Open_ServerNotListening_RefusedNamingTheStoreWithoutItsPassword()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = Should.Throw<HubStorageException>(() =>
            Open($"Host=127.0.0.1;Port={port};Database=none;Username=mesh;Password=hunter2-secret;Timeout=3"));

        error.Message.ShouldStartWith($"cannot open the hub database Host=127.0.0.1;Port={port};Database=none;Username=mesh");
        error.ToString().ShouldNotContain("hunter2-secret");
    }

    private static async Task<string> FreshDatabaseAsync() => await (await PostgresServer.Shared).CreateDatabaseAsync("schema");

    private static HubStore Open(string connectionString) => new(
        Microsoft.Extensions.Options.Options.Create(new HubOptions { Store = new() { Provider = "postgresql", ConnectionString = connectionString } }),
        NullLogger<HubStore>.Instance);

    private static long SchemaVersion(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT version FROM schema_version WHERE id = 1;", connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
