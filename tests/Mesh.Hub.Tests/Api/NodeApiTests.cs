using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Api;

public sealed class NodeApiTests
{
    [Fact]
    public async Task Nodes_AfterSync_ReportHeadLagAndLastSeen()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        var before = DateTime.UtcNow.AddSeconds(-1);
        await using (var session = await SyncSession.StartAsync(hub.Client, headSeq: 3))
            (await session.SendAsync(chain.Next(7), headSeq: 12)).AckedSeq.ShouldBe(7UL);

        var node = await hub.NodeAsync();

        node.LastSeq.ShouldBe(7);
        node.HeadSeq.ShouldBe(12);
        node.Lag.ShouldBe(5);
        node.LastHash.ShouldBe(Convert.ToHexStringLower(chain[7].Hash.Span));
        node.LastSeen.ShouldEndWith("Z");
        DateTime.Parse(node.LastSeen, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).ShouldBeGreaterThan(before);
    }

    [Fact]
    public async Task Nodes_HelloOnly_NodeListedWithNothingStored()
    {
        await using var hub = await HubHarness.StartAsync();
        await using var session = await SyncSession.StartAsync(hub.Client, headSeq: 4);

        var node = await hub.NodeAsync();

        node.LastSeq.ShouldBe(0);
        node.HeadSeq.ShouldBe(4);
        node.Lag.ShouldBe(4);
        node.LastHash.ShouldBe("");
    }

    [Fact]
    public async Task Audit_RecordFields_MatchTheRecordTheNodeSealed()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await SyncAsync(hub, chain, 2);

        var page = await hub.AuditAsync();

        page.NodeId.ShouldBe(TestChain.Node);
        page.Site.ShouldBe(TestChain.Site);
        page.LastSeq.ShouldBe(2);
        var dto = page.Records[1];
        var record = chain[2];
        dto.Seq.ShouldBe(2);
        dto.Kind.ShouldBe("Observation");
        dto.Hlc.ShouldBe(record.Hlc.ToString());
        dto.HlcWall.ShouldBe(record.Hlc.WallMillis);
        dto.HlcCounter.ShouldBe(record.Hlc.Counter);
        dto.Site.ShouldBe(record.Site);
        dto.Device.ShouldBe(record.Device);
        dto.MessageKey.ShouldBe("dev#2");
        dto.Body.ShouldBe("{}");
        dto.Route.Target.ShouldBe("");
        dto.Route.Reasons.ShouldBeEmpty();
        dto.PrevHash.ShouldBe(Convert.ToHexStringLower(chain[1].Hash.Span));
        dto.Hash.ShouldBe(Convert.ToHexStringLower(record.Hash.Span));
        Convert.FromBase64String(dto.Canonical).ShouldBe(AuditRecordCodec.Encode(record));
    }

    [Fact]
    public async Task Audit_PagedWithNextAfter_ReturnsEveryRecordOnceAndTheChainVerifies()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await SyncAsync(hub, chain, 250);

        var records = new List<AuditRecordDto>();
        long after = 0;
        var pages = 0;
        while (true)
        {
            var page = await hub.AuditAsync(after: after, limit: 100);
            records.AddRange(page.Records);
            pages++;
            after = page.NextAfter;
            if (!page.HasMore)
                break;
        }

        pages.ShouldBe(3);
        after.ShouldBe(250);
        records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 250).Select(i => (long)i));
        var decoded = records.Select(r => AuditRecordCodec.Decode(Convert.FromBase64String(r.Canonical)) with { Hash = Convert.FromHexString(r.Hash) });
        var verdict = ChainVerifier.Verify(decoded, nodeId: TestChain.Node);
        verdict.Ok.ShouldBeTrue(verdict.ToString());
        verdict.Head.Sequence.ShouldBe(250);
    }

    [Fact]
    public async Task Audit_AfterTheHead_EmptyPageKeepsNextAfter()
    {
        await using var hub = await HubHarness.StartAsync();
        await SyncAsync(hub, new TestChain(), 3);

        var page = await hub.AuditAsync(after: 3);

        page.Records.ShouldBeEmpty();
        page.NextAfter.ShouldBe(3);
        page.HasMore.ShouldBeFalse();
    }

    [Fact]
    public async Task Audit_DefaultLimit_Is100()
    {
        await using var hub = await HubHarness.StartAsync();
        await SyncAsync(hub, new TestChain(), 120);

        var page = await hub.Http.GetFromJsonAsync<AuditPageDto>($"/api/nodes/{TestChain.Node}/audit");

        page!.Records.Count.ShouldBe(100);
        page.Records[0].Seq.ShouldBe(1);
        page.HasMore.ShouldBeTrue();
    }

    [Fact]
    public async Task Audit_UnknownNode_Returns404WithJsonError()
    {
        await using var hub = await HubHarness.StartAsync();

        using var response = await hub.Http.GetAsync("/api/nodes/nobody/audit");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var error = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        error!["error"].ShouldContain("nobody");
    }

    [Theory]
    [InlineData("after=-1")]
    [InlineData("after=abc")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=")]
    public async Task Audit_BadParameters_Returns400WithJsonError(string query)
    {
        await using var hub = await HubHarness.StartAsync();
        await SyncAsync(hub, new TestChain(), 1);

        using var response = await hub.Http.GetAsync($"/api/nodes/{TestChain.Node}/audit?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        error!["error"].ShouldNotBeNullOrWhiteSpace();
    }

    private static async Task SyncAsync(HubHarness hub, TestChain chain, int count)
    {
        await using var session = await SyncSession.StartAsync(hub.Client, chain.NodeId, chain.SiteId);
        (await session.SendAsync(chain.Next(count))).AckedSeq.ShouldBe((ulong)count);
    }
}
