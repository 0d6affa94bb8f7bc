using Mesh.Hub.Tests.Support;
using Mesh.Hub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Hub.Tests.Storage;

public sealed class HubSchemaTests
{
    [Fact]
    public async Task Open_Version1Database_MigratesAndKeepsItsRecords()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain, [.. chain.Next(3)]);
        await hub.RestartAsync(() => Downgrade(hub.DataPath));

        (await hub.NodeAsync()).LastSeq.ShouldBe(3);
        (await hub.PushPolicyOkAsync(TestPolicies.Valid(1))).Activation.ShouldBe(1);
        UserVersion(hub.DataPath).ShouldBe(HubSchema.Version);
        (await hub.NodeAsync()).Profile.ShouldBe("", "version 5 adds the node's profile, empty until its next hello");
        TableExists(hub.DataPath, "site_state").ShouldBeTrue("version 3 adds the sites' shared state");
        hub.App.Services.GetRequiredService<HubStore>().ReadTimeline(new TimelineFilter(Site: chain.SiteId), 10).Records
            .Select(r => r.Seq).ShouldBe([3L, 2L, 1L], "version 4 gives the stored records their node's site");
    }

    /// <summary>Turns the file back into what a version-1 hub wrote: only nodes and records.</summary>
    private static void Downgrade(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            DROP TABLE policy_versions; DROP TABLE policy_activations; DROP TABLE node_policies;
            DROP TABLE approvals; DROP TABLE hub_actions; DROP TABLE site_state;
            DROP INDEX records_by_time; DROP INDEX records_by_site; DROP INDEX records_by_node_time;
            DROP INDEX records_by_kind; ALTER TABLE records DROP COLUMN site;
            ALTER TABLE nodes DROP COLUMN profile; ALTER TABLE nodes DROP COLUMN version; PRAGMA user_version=1;
            """;
        command.ExecuteNonQuery();
    }

    private static bool TableExists(string path, string table)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        command.Parameters.AddWithValue("$name", table);
        return (long)command.ExecuteScalar()! == 1;
    }

    private static long UserVersion(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)command.ExecuteScalar()!;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
