using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Approvals;

public sealed class ApprovalApiTests
{
    [Fact]
    public async Task Decide_Twice_Returns409NamingWhoDecided()
    {
        await using var hub = await HubHarness.StartAsync();
        await RequestAsync(hub, "apr-1");
        await hub.DecideOkAsync("apr-1", approve: true, by: "alice");

        using var second = await hub.DecideAsync("apr-1", approve: false, by: "bob");

        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await HubApi.ErrorOfAsync(second)).ShouldContain("already approved by alice");
        (await hub.ApprovalAsync("apr-1")).Decision!.By.ShouldBe("alice");
    }

    [Fact]
    public async Task Decide_HubClock_StampsTheDecisionAndTheLoggedAction()
    {
        var now = new DateTimeOffset(2026, 11, 23, 10, 5, 0, 250, TimeSpan.Zero);
        await using var hub = await HubHarness.StartWithClockAsync(new FixedClock(now));
        await RequestAsync(hub, "apr-1");
        using var watch = WatchSession.Open(hub.Control);
        await hub.WaitForWatchersAsync(1);

        var view = await hub.DecideOkAsync("apr-1", approve: true);

        view.Decision!.At.ShouldBe("2026-11-23T10:05:00.250Z");
        (await watch.NextDecisionAsync()).DecidedAtUnixMs.ShouldBe(now.ToUnixTimeMilliseconds());
        (await hub.HubActionsAsync()).Actions.Single().At.ShouldBe("2026-11-23T10:05:00.250Z");
    }

    [Fact]
    public async Task Decide_UnknownId_Returns404()
    {
        await using var hub = await HubHarness.StartAsync();

        using var response = await hub.DecideAsync("apr-nope", approve: true);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await HubApi.ErrorOfAsync(response)).ShouldContain("apr-nope");
    }

    [Fact]
    public async Task Decide_CommentMissing_DecidesWithAnEmptyComment()
    {
        await using var hub = await HubHarness.StartAsync();
        await RequestAsync(hub, "apr-1");

        using var response = await hub.DecideAsync("apr-1", approve: true, comment: null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await hub.ApprovalAsync("apr-1")).Decision!.Comment.ShouldBe("");
    }

    [Fact]
    public async Task Decide_BodyNamesSomeoneElse_DeciderIsTheAuthenticatedUser()
    {
        await using var hub = await HubHarness.StartAsync();
        await RequestAsync(hub, "apr-1");

        using var response = await hub.HttpAs("carol").PostAsJsonAsync("/api/approvals/apr-1/approve", new { by = "mallory", comment = "ok" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await hub.ApprovalAsync("apr-1")).Decision!.By.ShouldBe("carol");
        var logged = (await hub.HubActionsAsync()).Actions.Single();
        (logged.Actor, logged.Detail.GetProperty("via").GetString()).ShouldBe(("carol", "token"));
    }

    [Fact]
    public async Task Decide_CommentOver1000Characters_Returns400()
    {
        await using var hub = await HubHarness.StartAsync();
        await RequestAsync(hub, "apr-1");

        using var response = await hub.DecideAsync("apr-1", approve: true, comment: new string('c', 1001));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await hub.ApprovalsAsync()).Single().State.ShouldBe("pending");
    }

    [Fact]
    public async Task List_StateAndFilters_SelectTheRightApprovals()
    {
        await using var hub = await HubHarness.StartAsync();
        var a = new TestChain("edge-1", "site-a");
        var b = new TestChain("edge-2", "site-b");
        await hub.SyncAsync(a,
            a.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-pending"), "pending"),
            a.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-decided"), "pending"),
            a.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-resolved"), "pending"),
            a.Append(AuditKind.ApprovalResolved, NodeBodies.ApprovalResolved("apr-resolved", "timed-out-denied"), "timed-out-denied"));
        await hub.SyncAsync(b, b.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-b"), "pending"));
        await hub.DecideOkAsync("apr-decided", approve: true);

        (await Ids(hub, "")).ShouldBe(["apr-b", "apr-pending"], ignoreOrder: true);
        (await Ids(hub, "?state=decided")).ShouldBe(["apr-decided"]);
        (await Ids(hub, "?state=resolved")).ShouldBe(["apr-resolved"]);
        (await Ids(hub, "?state=all")).Count.ShouldBe(4);
        (await Ids(hub, "?state=all&site=site-b")).ShouldBe(["apr-b"]);
        (await Ids(hub, "?state=pending&node=edge-1")).ShouldBe(["apr-pending"]);
        using var bad = await hub.Http.GetAsync("/api/approvals?state=open");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_JsonFields_AreCamelCaseWithNullDecisionWhenNone()
    {
        await using var hub = await HubHarness.StartAsync();
        await RequestAsync(hub, "apr-1");

        using var body = JsonDocument.Parse(await hub.Http.GetStringAsync("/api/approvals"));

        var item = body.RootElement.EnumerateArray().Single();
        foreach (var field in new[] { "id", "nodeId", "site", "device", "rule", "action", "role", "seq", "readingTs", "deadline", "requestedSeq", "state" })
            item.TryGetProperty(field, out _).ShouldBeTrue(field);
        item.GetProperty("decision").ValueKind.ShouldBe(JsonValueKind.Null);
        item.GetProperty("resolution").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Ingest_MalformedApprovalBody_StoresTheRecordSkipsTheIndexAndWarns()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();

        await hub.SyncAsync(chain,
            chain.Append(AuditKind.ApprovalRequested, "{not json", "pending"),
            chain.Append(AuditKind.ApprovalRequested, """{"rule":"hot"}""", "pending"),
            chain.Append(AuditKind.ApprovalResolved, "null", "granted"),
            chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-ok"), "pending"),
            chain.Append(AuditKind.ApprovalResolved, NodeBodies.ApprovalResolved("apr-unknown", "granted"), "granted"));

        (await hub.AuditAsync()).LastSeq.ShouldBe(5);
        (await hub.ApprovalsAsync("?state=all")).Select(a => a.Id).ShouldBe(["apr-ok"]);
        var warnings = hub.Logs.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
        warnings.Where(e => e.EventId.Id == 21).Select(e => e.Message).ShouldSatisfyAllConditions(
            m => m.Count().ShouldBe(3),
            m => m.ShouldContain(x => x.Contains("record 1 (ApprovalRequested)", StringComparison.Ordinal)));
        warnings.ShouldContain(e => e.EventId.Id == 22 && e.Message.Contains("apr-unknown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_ResolutionFromANodeOfAnotherSite_IsNotIndexed()
    {
        // A member of the same site may settle it (after a takeover: HubStoreContract); a node of another site may not.
        await using var hub = await HubHarness.StartAsync();
        await RequestAsync(hub, "apr-1");
        var intruder = new TestChain("edge-9", "site-b");

        await hub.SyncAsync(intruder, intruder.Append(AuditKind.ApprovalResolved, NodeBodies.ApprovalResolved("apr-1", "granted"), "granted"));

        (await hub.ApprovalAsync("apr-1")).State.ShouldBe("pending");
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 22 && e.Message.Contains("requested by node edge-1 of site site-a", StringComparison.Ordinal));
    }

    private static async Task RequestAsync(HubHarness hub, string id)
    {
        var chain = new TestChain();
        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested(id), "pending"));
    }

    private static async Task<List<string>> Ids(HubHarness hub, string query) =>
        [.. (await hub.ApprovalsAsync(query)).Select(a => a.Id)];
}
