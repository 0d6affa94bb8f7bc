using System.Net;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Api;

public sealed class HubActionApiTests
{
    [Fact]
    public async Task HubActions_PushRollbackApproveDeny_EachLoggedWithActorAndDetail()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain,
            chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-1"), "pending"),
            chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-2"), "pending"));
        var v1 = await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));
        (await hub.RollbackAsync(1, comment: "too hot")).EnsureSuccessStatusCode();
        await hub.DecideOkAsync("apr-1", approve: true, by: "carol");
        await hub.DecideOkAsync("apr-2", approve: false, by: "dave");

        var page = await hub.HubActionsAsync();

        page.Actions.Select(a => (a.Seq, a.Actor, a.Action, a.Target)).ShouldBe([
            (1L, "alice", "policy.push", TestChain.Site),
            (2L, "alice", "policy.push", TestChain.Site),
            (3L, "bob", "policy.rollback", TestChain.Site),
            (4L, "carol", "approval.approve", "apr-1"),
            (5L, "dave", "approval.deny", "apr-2"),
        ]);
        page.Actions[0].Detail.GetProperty("sha256").GetString().ShouldBe(v1.Sha256);
        page.Actions[2].Detail.GetProperty("activation").GetInt64().ShouldBe(3);
        page.Actions[2].Detail.GetProperty("comment").GetString().ShouldBe("too hot");
        page.Actions[3].Detail.GetProperty("nodeId").GetString().ShouldBe(TestChain.Node);
        page.Actions.ShouldAllBe(a => a.At.EndsWith('Z'));
        (page.NextAfter, page.HasMore).ShouldBe((5L, false));
    }

    [Fact]
    public async Task HubActions_Paged_AfterAndLimitWalkTheLog()
    {
        await using var hub = await HubHarness.StartAsync();
        for (var version = 1; version <= 3; version++)
            await hub.PushPolicyOkAsync(TestPolicies.Valid(version));

        var first = await hub.HubActionsAsync("?limit=2");
        var rest = await hub.HubActionsAsync($"?after={first.NextAfter}&limit=2");

        (first.Actions.Count, first.NextAfter, first.HasMore).ShouldBe((2, 2L, true));
        (rest.Actions.Single().Seq, rest.HasMore).ShouldBe((3L, false));
    }

    [Theory]
    [InlineData("after=-1")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    public async Task HubActions_BadParameters_Return400(string query)
    {
        await using var hub = await HubHarness.StartAsync();

        using var response = await hub.Http.GetAsync($"/api/hub-actions?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
