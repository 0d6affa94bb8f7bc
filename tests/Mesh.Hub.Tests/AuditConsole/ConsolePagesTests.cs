using Mesh.Hub.Access;
using Mesh.Hub.Policies;
using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Policy;
using Microsoft.Extensions.DependencyInjection;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Shouldly;

namespace Mesh.Hub.Tests.AuditConsole;

/// <summary>The console's pages in a real Chromium against a real hub on loopback, fed through the sync stream as a node
/// feeds it. Each page is saved as a screenshot (<see cref="ConsoleBrowser.ScreenshotFolder"/>).</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ConsolePagesTests(ConsoleBrowser browser)
{
    private static readonly AuditRoute Route = new("edge-gpu", "jetson-orin-nano", "anomaly", "1.2.0", 8_400, 0,
    [
        "edge-gpu: chosen, predicted 8.1 ms, cost 0, model anomaly 1.2.0 loaded",
        "cloud-gpu: predicted 41.0 ms, cost 0.0002, over the 20 ms latency limit",
        "deterministic: predicted 0.1 ms, cost 0, fallback only",
    ]);

    [Fact]
    public async Task Fleet_ShowsEachSiteAndNodeWithItsSyncState()
    {
        await using var hub = await StartHubAsync();
        await FeedAsync(hub, new TestChain("edge-1", "site-a"), 12);
        await FeedAsync(hub, new TestChain("edge-2", "site-b"), 5);
        await using (var hello = SyncSession.Open(hub.Client))
            await hello.SendAsync(new NodeMessage { Hello = new SyncHello { NodeId = "edge-1", Site = "site-a", HeadSeq = 12, Profile = "jetson-orin-nano", Version = "0.6.0" } });
        var page = await SignedInAsync(hub);

        await page.GotoAsync(ConsoleUrl(hub, "/"));
        await Assertions.Expect(page.Locator("tr[data-node='edge-1'] td.profile")).ToContainTextAsync("jetson-orin-nano");
        await Assertions.Expect(page.Locator("tr[data-node='edge-1'] td.profile")).ToContainTextAsync("mesh-node 0.6.0");
        await Assertions.Expect(page.Locator("tr[data-node='edge-2'] td.profile")).ToHaveTextAsync("—");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Fleet");
        await Assertions.Expect(page.Locator("#site-site-a")).ToContainTextAsync("Site site-a");
        await Assertions.Expect(page.Locator("tr[data-node='edge-1'] td").Nth(3)).ToHaveTextAsync("12");
        await Assertions.Expect(page.Locator("tr[data-node='edge-2'] .badge").First).ToHaveTextAsync("healthy");
        await ConsoleBrowser.ScreenshotAsync(page, "fleet");
    }

    [Fact]
    public async Task Decision_ShowsTheRouteCandidatesTheChainPositionAndTheInput()
    {
        await using var hub = await StartHubAsync();
        var chain = new TestChain();
        chain.Next(3);
        var decision = chain.Append(r => r with
        {
            Kind = AuditKind.Decision, Device = "freezer-7", MessageKey = "freezer-7#41", Rule = "too-warm", PolicyVersion = "site-a@3",
            Decision = "cooling-on", Outcome = "accepted", InputDigest = new byte[32], Route = Route, Body = """{"temperature":9.5}""",
        });
        await FeedAsync(hub, chain, 0);
        var page = await SignedInAsync(hub);

        await page.GotoAsync(ConsoleUrl(hub, $"/decisions/{chain.NodeId}/{decision.Sequence}"));

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Decision");
        await Assertions.Expect(page.Locator("table.candidates tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("table.candidates")).ToContainTextAsync("cloud-gpu: predicted 41.0 ms");
        await Assertions.Expect(page.Locator("dl.chain")).ToContainTextAsync("hash matches the stored bytes");
        await Assertions.Expect(page.Locator("dl.chain")).ToContainTextAsync("chains from record 3");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("rule too-warm");
        await ConsoleBrowser.ScreenshotAsync(page, "decision");
    }

    [Fact]
    public async Task Chains_FlagsARecordAlteredInTheStoreAndNamesIt()
    {
        await using var hub = await StartHubAsync();
        var chain = new TestChain();
        await FeedAsync(hub, chain, 20);
        var page = await SignedInAsync(hub);
        await page.GotoAsync(ConsoleUrl(hub, $"/chains/{chain.NodeId}"));
        await Assertions.Expect(page.Locator(".verdict")).ToHaveTextAsync("verified");

        // Someone with access to the database edits record 7's content in place.
        using (var db = new SqliteConnection($"Data Source={hub.DataPath}"))
        {
            db.Open();
            var canonical = AuditRecordCodec.Encode(chain[7]);
            var body = canonical.AsSpan().IndexOf("{}"u8);
            body.ShouldBeGreaterThan(0);
            canonical[body] = (byte)'[';
            canonical[body + 1] = (byte)']';
            using var edit = db.CreateCommand();
            edit.CommandText = "UPDATE records SET canonical = $c WHERE node_id = $n AND seq = 7;";
            edit.Parameters.AddWithValue("$c", canonical);
            edit.Parameters.AddWithValue("$n", chain.NodeId);
            edit.ExecuteNonQuery().ShouldBe(1);
        }
        await page.GotoAsync(ConsoleUrl(hub, $"/chains/{chain.NodeId}"));

        await Assertions.Expect(page.Locator(".verdict")).ToHaveTextAsync("HashMismatch at 7");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Records verified 6");
        await ConsoleBrowser.ScreenshotAsync(page, "chain-tampered");
        await page.GotoAsync(ConsoleUrl(hub, "/chains"));
        await Assertions.Expect(page.Locator($"tr[data-node='{chain.NodeId}'] .verdict")).ToHaveTextAsync("HashMismatch at 7");
        await ConsoleBrowser.ScreenshotAsync(page, "chains");
    }

    [Fact]
    public async Task Chains_ShowTheLastSignedCheckpointAndFlagOneReplacedInTheStore()
    {
        await using var hub = await StartHubAsync();
        using var nodeKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var otherKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var chain = new TestChain();
        chain.Next(5);
        chain.AppendCheckpoint(nodeKey);
        await FeedAsync(hub, chain, 3);
        var page = await SignedInAsync(hub);
        await page.GotoAsync(ConsoleUrl(hub, "/chains"));
        var cell = page.Locator($"tr[data-node='{chain.NodeId}'] td.checkpoint");
        await Assertions.Expect(cell.Locator(".checkpoint-state")).ToHaveTextAsync("signed");
        await Assertions.Expect(cell).ToContainTextAsync("sequence 6");

        // Someone with access to the database swaps the checkpoint for one signed by another key (hash column updated).
        var twin = new TestChain();
        twin.Next(5);
        var forged = twin.AppendCheckpoint(otherKey);
        using (var db = new SqliteConnection($"Data Source={hub.DataPath}"))
        {
            db.Open();
            using var edit = db.CreateCommand();
            edit.CommandText = "UPDATE records SET canonical = $c, hash = $h WHERE node_id = $n AND seq = 6;";
            edit.Parameters.AddWithValue("$c", AuditRecordCodec.Encode(forged));
            edit.Parameters.AddWithValue("$h", forged.Hash.ToArray());
            edit.Parameters.AddWithValue("$n", chain.NodeId);
            edit.ExecuteNonQuery().ShouldBe(1);
        }
        await page.GotoAsync(ConsoleUrl(hub, $"/chains/{chain.NodeId}"));

        await Assertions.Expect(page.Locator(".verdict")).ToHaveTextAsync("ReplacedJournal at 6");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("replaced journal: checkpoints signed by key");
        await page.GotoAsync(ConsoleUrl(hub, "/chains"));
        await Assertions.Expect(cell.Locator(".checkpoint-state")).ToHaveTextAsync("bad checkpoint at 6");
        await ConsoleBrowser.ScreenshotAsync(page, "chains-checkpoint");
    }

    [Fact]
    public async Task Policies_ShowEachVersionsSemanticDiffTheActiveOneAndRollbacks()
    {
        await using var hub = await StartHubAsync();
        await FeedAsync(hub, new TestChain(), 1);
        var desk = hub.App.Services.GetRequiredService<PolicyDesk>();
        desk.Push(PolicyLoader.Parse(TestPolicies.Valid(1), "site-a.yaml").Policy!, "site-a.yaml", Ana).Status.ShouldBe(PolicyPushStatus.Activated);
        desk.Push(PolicyLoader.Parse(TestPolicies.Valid(2, action: "fan-on"), "site-a.yaml").Policy!, "site-a.yaml", Ana).Status.ShouldBe(PolicyPushStatus.Activated);
        desk.Rollback(TestChain.Site, 1, new HubActor("ben", HubActor.Password), "fan-on trips the breaker").ShouldNotBeNull();
        var page = await SignedInAsync(hub);

        await page.GotoAsync(ConsoleUrl(hub, "/policies?site=site-a"));

        await Assertions.Expect(page.Locator("tr[data-version='2'] .diff")).ToContainTextAsync("~ rule hot: action: cooling-on -> fan-on");
        await Assertions.Expect(page.Locator("tr[data-version='1'] .badge")).ToHaveTextAsync("active");
        await Assertions.Expect(page.Locator("table.activations tbody tr").First).ToContainTextAsync("fan-on trips the breaker");
        await Assertions.Expect(page.Locator("form.rollback")).ToHaveCountAsync(0);
        await ConsoleBrowser.ScreenshotAsync(page, "policies");
    }

    [Fact]
    public async Task Policies_AdminRollsBackWithAComment_TheVersionIsActiveAgainAndTheActionLogNamesTheAdmin()
    {
        await using var hub = await StartHubAsync();
        await FeedAsync(hub, new TestChain(), 1);
        var desk = hub.App.Services.GetRequiredService<PolicyDesk>();
        desk.Push(PolicyLoader.Parse(TestPolicies.Valid(1), "site-a.yaml").Policy!, "site-a.yaml", Ana);
        desk.Push(PolicyLoader.Parse(TestPolicies.Valid(2, action: "fan-on"), "site-a.yaml").Policy!, "site-a.yaml", Ana);
        using var watch = WatchSession.Open(hub.Control);
        (await watch.NextPolicyAsync()).Version.ShouldBe(2UL);
        var page = await SignedInAsync(hub, TestAccess.Admin);

        await page.GotoAsync(ConsoleUrl(hub, "/policies?site=site-a"));
        var form = page.Locator("tr[data-version='1'] form.rollback");
        await form.Locator("input[name=comment]").FillAsync("fan-on trips the breaker");
        await form.Locator("button").ClickAsync();

        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Version 1 of site site-a is active again");
        await Assertions.Expect(page.Locator("tr[data-version='1'] .badge")).ToHaveTextAsync("active");
        await Assertions.Expect(page.Locator("table.activations tbody tr").First).ToContainTextAsync("ada");
        (await watch.NextPolicyAsync()).Version.ShouldBe(1UL);
        var logged = hub.App.Services.GetRequiredService<HubStore>().ReadHubActions(0, 100).Last();
        (logged.Actor, logged.Action, logged.Target).ShouldBe(("ada", HubActionDraft.PolicyRollback, "site-a"));
        await ConsoleBrowser.ScreenshotAsync(page, "policies-admin");
    }

    [Fact]
    public async Task Approvals_ListsWhatWaitsWithItsActionDeadlineAndTheRecordThatAsked()
    {
        await using var hub = await StartHubAsync();
        var chain = new TestChain();
        chain.Next(2);
        var requested = chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-9", action: "defrost-now"), "pending", device: "freezer-7");
        await FeedAsync(hub, chain, 0);
        var page = await SignedInAsync(hub);

        await page.GotoAsync(ConsoleUrl(hub, "/approvals"));

        var row = page.Locator("tr[data-approval='apr-9']");
        await Assertions.Expect(row).ToContainTextAsync("defrost-now");
        await Assertions.Expect(row).ToContainTextAsync("device freezer-7");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("pending");
        await Assertions.Expect(row.Locator("form.decide button")).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToContainTextAsync("an operator decides");
        await ConsoleBrowser.ScreenshotAsync(page, "approvals-viewer");
        await row.Locator("a").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/decisions/{chain.NodeId}/{requested.Sequence}$"));
        await Assertions.Expect(page.Locator("table.approvals")).ToContainTextAsync("apr-9");
    }

    [Fact]
    public async Task Timeline_FiltersPagesOlderAndFollowsNewRecordsLive()
    {
        await using var hub = await StartHubAsync();
        var a = new TestChain("edge-1", "site-a");
        var b = new TestChain("edge-2", "site-b");
        for (var i = 0; i < 60; i++)
            a.Append(r => r with { Kind = i % 3 == 0 ? AuditKind.Decision : AuditKind.Observation, Device = i % 2 == 0 ? "freezer-7" : "door-2", Decision = i % 3 == 0 ? "cooling-on" : "" });
        await FeedAsync(hub, a, 0);
        await FeedAsync(hub, b, 30);
        var page = await SignedInAsync(hub);

        await page.GotoAsync(ConsoleUrl(hub, "/timeline"));
        await Assertions.Expect(page.Locator("table.timeline tbody tr")).ToHaveCountAsync(50);
        await ConsoleBrowser.ScreenshotAsync(page, "timeline");

        // Filter by the form, as a person would: node edge-1, kind Decision, device freezer-7 (i % 6 == 0: 10 records).
        await page.FillAsync("input[name=node]", "edge-1");
        await page.FillAsync("input[name=device]", "freezer-7");
        await page.SelectOptionAsync("select[name=kind]", "Decision");
        await page.ClickAsync("form.filters button[type=submit]");
        var rows = page.Locator("table.timeline tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(10);
        (await rows.Locator("td:nth-child(5)").AllInnerTextsAsync()).ShouldAllBe(k => k == "Decision");
        (await rows.Locator("td:nth-child(6)").AllInnerTextsAsync()).ShouldAllBe(d => d == "freezer-7");
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-record", "edge-1/55");

        // Paging: 90 records are 50 and 40, the older page continues where the first ended.
        await page.GotoAsync(ConsoleUrl(hub, "/timeline"));
        var newest = await rows.Last.GetAttributeAsync("data-record");
        await page.ClickAsync("a.older");
        await Assertions.Expect(rows).ToHaveCountAsync(40);
        (await rows.First.GetAttributeAsync("data-record")).ShouldNotBe(newest);
        await Assertions.Expect(page.Locator("a.older")).ToHaveCountAsync(0);

        // Live: the first page shows records synced after it loaded, without a reload.
        await page.GotoAsync(ConsoleUrl(hub, "/timeline?node=edge-2"));
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-record", "edge-2/30");
        await FeedAsync(hub, b, 2);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-record", "edge-2/32", new() { Timeout = 15_000 });

        await page.GotoAsync(ConsoleUrl(hub, "/timeline?kind=Nonsense&from=yesterday"));
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("kind 'Nonsense' is not one of");
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("'from' is 'yesterday'");
    }

    [Fact]
    public async Task Charts_DrawReadingRatesLatencyRouteMixAndCostPerSiteFromTheRecords()
    {
        // The hub's clock 14 minutes after the chains' first records: all of them fall into the 15-minute window.
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(TestChain.WallOf(0)).AddMinutes(14));
        await using var hub = await HubHarness.StartWithClockAsync(clock, TestAccess.Args("--Hub:ApiUrl=http://127.0.0.1:0"));
        var a = new TestChain("edge-1", "site-a");
        for (var i = 0; i < 40; i++)
            a.Append(r => i % 4 != 0 ? r : r with
            {
                Kind = AuditKind.Decision, Decision = "cooling-on",
                Route = i % 8 == 0 ? Route : new AuditRoute("cloud-gpu", "cloud-a10", "anomaly", "1.2.0", 41_000, 200, ["cloud-gpu: chosen"]),
            });
        await FeedAsync(hub, a, 0);
        await FeedAsync(hub, new TestChain("edge-2", "site-b"), 12);
        var page = await SignedInAsync(hub);

        await page.GotoAsync(ConsoleUrl(hub, "/charts"));

        await Assertions.Expect(page.Locator(".readings .legend")).ToContainTextAsync("site-a");
        await Assertions.Expect(page.Locator(".readings .legend")).ToContainTextAsync("site-b");
        await Assertions.Expect(page.Locator(".readings svg path")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".latency .legend")).ToHaveTextAsync("p50p95p99");
        await Assertions.Expect(page.Locator(".mix .legend")).ToHaveTextAsync("cloud-gpuedge-gpu");
        // 10 decisions: 5 on the cloud GPU at 0.0002 each, 5 on the edge GPU at no cost.
        await Assertions.Expect(page.Locator("table.cost tr[data-site='site-a'] td.num")).ToHaveTextAsync("0.001");
        await Assertions.Expect(page.Locator("table.cost tr[data-site='site-b']")).ToHaveCountAsync(0);
        await ConsoleBrowser.ScreenshotAsync(page, "charts");
    }

    [Fact]
    public async Task Approvals_OperatorApprovesWithAComment_TheNodeReceivesTheDecisionAndTheActionLogNamesTheOperator()
    {
        await using var hub = await StartHubAsync();
        var chain = new TestChain();
        chain.Next(1);
        chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-7", action: "defrost-now"), "pending", device: "freezer-7");
        await FeedAsync(hub, chain, 0);
        using var watch = WatchSession.Open(hub.Control);
        await hub.WaitForWatchersAsync(1);
        var page = await SignedInAsync(hub, TestAccess.Operator);

        await page.GotoAsync(ConsoleUrl(hub, "/approvals"));
        var row = page.Locator("tr[data-approval='apr-7']");
        await row.Locator("input[name=comment]").FillAsync("door checked, go");
        await ConsoleBrowser.ScreenshotAsync(page, "approvals");
        await row.Locator("button[value=true]").ClickAsync();

        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Approved apr-7");
        await Assertions.Expect(page.Locator("tr[data-approval='apr-7']")).ToHaveCountAsync(0);
        var decision = await watch.NextDecisionAsync();
        (decision.ApprovalId, decision.Approved, decision.DecidedBy, decision.Comment).ShouldBe(("apr-7", true, "otto", "door checked, go"));
        var logged = hub.App.Services.GetRequiredService<HubStore>().ReadHubActions(0, 100).Where(a => a.Target == "apr-7").ShouldHaveSingleItem();
        (logged.Actor, logged.Action).ShouldBe(("otto", HubActionDraft.ApprovalApprove));
        logged.Detail.ShouldContain("\"via\":\"password\"");

        await page.GotoAsync(ConsoleUrl(hub, "/approvals?state=decided"));
        await Assertions.Expect(page.Locator("tr[data-approval='apr-7'] .badge")).ToHaveTextAsync("approved by otto");
    }

    [Fact]
    public async Task SignIn_EachRoleSeesTheConsole_ASignedOutBrowserIsSentToTheLoginPage()
    {
        await using var hub = await StartHubAsync();
        var anonymous = await browser.NewPageAsync();
        await anonymous.GotoAsync(ConsoleUrl(hub, "/timeline"));
        await Assertions.Expect(anonymous).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Ftimeline$"));
        await ConsoleBrowser.ScreenshotAsync(anonymous, "login");

        foreach (var user in TestAccess.Users)
        {
            var page = await SignedInAsync(hub, user);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Fleet");
            await Assertions.Expect(page.Locator(".who")).ToContainTextAsync(user.Role);
            await page.ClickAsync(".who button[type=submit]");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login$"));
            await page.GotoAsync(ConsoleUrl(hub, "/"));
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2F$"));
        }
    }

    private static readonly HubActor Ana = new("ana", HubActor.Password);

    private static Task<HubHarness> StartHubAsync() => HubHarness.StartAsync(TestAccess.Args("--Hub:ApiUrl=http://127.0.0.1:0"));

    /// <summary>A page of a fresh browser context signed in as <paramref name="user"/> through the login form.</summary>
    private Task<IPage> SignedInAsync(HubHarness hub, TestAccess.User? user = null)
    {
        user ??= TestAccess.Viewer;
        return browser.SignedInAsync(new Uri(ConsoleUrl(hub, "/login")), user.Name, user.Password);
    }

    private static string ConsoleUrl(HubHarness hub, string path) => new Uri(HubApp.GetApiAddress(hub.App)!, path).ToString();

    /// <summary>Appends <paramref name="more"/> plain records and syncs the whole chain, as its node would.</summary>
    private static async Task FeedAsync(HubHarness hub, TestChain chain, int more)
    {
        chain.Next(more);
        await using var sync = await SyncSession.StartAsync(hub.Client, chain.NodeId, chain.SiteId);
        var ack = await sync.SendAsync(chain.Range(1, chain.Head), (ulong)chain.Head);
        ack.AckedSeq.ShouldBe((ulong)chain.Head);
    }
}
