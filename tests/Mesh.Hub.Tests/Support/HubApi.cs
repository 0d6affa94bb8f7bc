using System.Net;
using System.Net.Http.Json;
using Mesh.Hub.Api;
using Mesh.Hub.Approvals;
using Mesh.Hub.Policies;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Support;

/// <summary>The policy, approval and action-log JSON API, and syncing records, as tests drive them.</summary>
internal static class HubApi
{
    /// <summary>Pushes as the admin token <paramref name="by"/> (the body carries no 'by': the hub ignores it).</summary>
    public static Task<HttpResponseMessage> PushPolicyAsync(this HubHarness hub, string text, string site = TestChain.Site, string by = "alice", string? file = null) =>
        hub.HttpAs(by).PostAsJsonAsync($"/api/sites/{site}/policies", new { text, file });

    /// <summary>Pushes and expects 201.</summary>
    public static async Task<PolicyActivationView> PushPolicyOkAsync(this HubHarness hub, string text, string site = TestChain.Site)
    {
        using var response = await hub.PushPolicyAsync(text, site);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PolicyActivationView>())!;
    }

    public static Task<HttpResponseMessage> RollbackAsync(this HubHarness hub, long toVersion, string site = TestChain.Site, string by = "bob", string? comment = null) =>
        hub.HttpAs(by).PostAsJsonAsync($"/api/sites/{site}/policies/rollback", new { toVersion, comment });

    public static async Task<PolicyStatusView> PolicyStatusAsync(this HubHarness hub, string site = TestChain.Site) =>
        (await hub.Http.GetFromJsonAsync<PolicyStatusView>($"/api/sites/{site}/policies"))!;

    public static async Task<List<ApprovalView>> ApprovalsAsync(this HubHarness hub, string query = "") =>
        (await hub.Http.GetFromJsonAsync<List<ApprovalView>>($"/api/approvals{query}"))!;

    public static async Task<ApprovalView> ApprovalAsync(this HubHarness hub, string id) =>
        (await hub.ApprovalsAsync("?state=all")).Single(a => a.Id == id);

    /// <summary>Decides as the admin token <paramref name="by"/>.</summary>
    public static Task<HttpResponseMessage> DecideAsync(this HubHarness hub, string id, bool approve, string by = "alice", string? comment = "checked on camera") =>
        hub.HttpAs(by).PostAsJsonAsync($"/api/approvals/{id}/{(approve ? "approve" : "deny")}", new { comment });

    /// <summary>Decides and expects 200.</summary>
    public static async Task<ApprovalView> DecideOkAsync(this HubHarness hub, string id, bool approve, string by = "alice")
    {
        using var response = await hub.DecideAsync(id, approve, by);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ApprovalView>())!;
    }

    public static async Task<HubActionPage> HubActionsAsync(this HubHarness hub, string query = "") =>
        (await hub.Http.GetFromJsonAsync<HubActionPage>($"/api/hub-actions{query}"))!;

    public static async Task<string> ErrorOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ApiError>())!.Error;

    /// <summary>Syncs <paramref name="records"/> (the next ones of <paramref name="chain"/>) on a fresh stream, as a
    /// node does after a reconnect, and expects them acked.</summary>
    public static async Task SyncAsync(this HubHarness hub, TestChain chain, params AuditRecord[] records)
    {
        await using var session = await SyncSession.StartAsync(hub.Client, chain.NodeId, chain.SiteId);
        var ack = await session.SendAsync(records);
        ack.AckedSeq.ShouldBe((ulong)records[^1].Sequence);
    }
}
