using Mesh.Hub.Tests.Support;

namespace Mesh.Hub.Tests.Storage;

/// <summary>The whole hub on PostgreSQL: sync over gRPC, read through the API, restart, go on.</summary>
public sealed class HubOnPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Sync_RestartOnPostgres_ChainKeptAndContinued()
    {
        const string password = "not-for-the-log-7f3a";
        await using var hub = await HubHarness.StartAsync(
            "--Hub:Store:Provider=PostgreSQL", $"--Hub:Store:ConnectionString={database.ConnectionString};Password={password}");
        var chain = new TestChain();
        await hub.SyncAsync(chain, [.. chain.Next(120)]);
        (await hub.PushPolicyOkAsync(TestPolicies.Valid(1))).Activation.ShouldBe(1);

        await hub.RestartAsync();
        (await hub.NodeAsync()).LastSeq.ShouldBe(120);
        await hub.SyncAsync(chain, [.. chain.Next(5)]);

        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 125).Select(i => (long)i));
        for (var i = 1; i < page.Records.Count; i++)
            page.Records[i].PrevHash.ShouldBe(page.Records[i - 1].Hash, $"record {page.Records[i].Seq} must chain to the one before");
        (await hub.PushPolicyOkAsync(TestPolicies.Valid(2))).Activation.ShouldBe(2);
        var opened = hub.Logs.Entries.Where(e => e.EventId.Id == 1).ShouldHaveSingleItem();
        opened.Message.ShouldContain("Host=127.0.0.1");
        hub.Logs.Entries.ShouldAllBe(e => !e.ToString().Contains(password));
    }
}
