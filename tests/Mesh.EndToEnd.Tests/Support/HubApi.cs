using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The hub's policy and approval JSON API, as an operator's tool would call it.</summary>
public static class HubApi
{
    public static Task<HttpResponseMessage> PushPolicyAsync(HttpClient http, string site, string text) =>
        http.PostAsJsonAsync($"api/sites/{site}/policies", new { text, file = $"policies/{site}.yaml" });

    /// <summary>Pushes a policy that must be accepted; returns the hub's answer (<c>version</c>, <c>sha256</c>, <c>activation</c>).</summary>
    public static async Task<JsonElement> PushValidPolicyAsync(HttpClient http, string site, string text)
    {
        using var response = await PushPolicyAsync(http, site, text);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> RollbackAsync(HttpClient http, string site, long toVersion, string comment)
    {
        using var response = await http.PostAsJsonAsync($"api/sites/{site}/policies/rollback", new { toVersion, comment });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<JsonElement> PolicyStatusAsync(HttpClient http, string site) =>
        http.GetFromJsonAsync<JsonElement>($"api/sites/{site}/policies");

    /// <summary>What the hub says <paramref name="nodeId"/> reports about its policy, or null if the node is not listed yet.</summary>
    public static async Task<JsonElement?> NodePolicyAsync(HttpClient http, string site, string nodeId)
    {
        var status = await PolicyStatusAsync(http, site);
        foreach (var node in status.GetProperty("nodes").EnumerateArray())
            if (node.GetProperty("nodeId").GetString() == nodeId)
                return node.Clone();
        return null;
    }

    /// <summary>Polls until the hub reports the node running exactly this version and text.</summary>
    public static Task WaitForNodePolicyAsync(HttpClient http, string site, string nodeId, long version, string sha256, TimeSpan timeout) =>
        Poll.UntilAsync(async () => await NodePolicyAsync(http, site, nodeId) is { } n
                && n.GetProperty("version").GetInt64() == version && n.GetProperty("sha256").GetString() == sha256,
            timeout, $"the hub reports node {nodeId} running v{version}/{sha256[..12]}");

    public static async Task<List<JsonElement>> ApprovalsAsync(HttpClient http, string nodeId, string state = "all")
    {
        var list = await http.GetFromJsonAsync<JsonElement>($"api/approvals?state={state}&node={nodeId}");
        return [.. list.EnumerateArray().Select(a => a.Clone())];
    }

    /// <summary>Polls until the hub lists an approval of <paramref name="device"/> in <paramref name="state"/>; returns it.</summary>
    public static async Task<JsonElement> WaitForApprovalAsync(HttpClient http, string nodeId, string device, string state, TimeSpan timeout)
    {
        JsonElement found = default;
        await Poll.UntilAsync(async () =>
        {
            var match = (await ApprovalsAsync(http, nodeId, state)).Where(a => a.GetProperty("device").GetString() == device).ToList();
            if (match.Count == 0)
                return false;
            match.Count.ShouldBe(1, $"one approval for {device}");
            found = match[0];
            return true;
        }, timeout, $"an approval of {device} in state '{state}' at the hub");
        return found;
    }

    /// <summary>Decides as the operator whose token <paramref name="http"/> sends (the hub records that name).</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> DecideAsync(HttpClient http, string approvalId, bool approve, string comment)
    {
        using var response = await http.PostAsJsonAsync($"api/approvals/{approvalId}/{(approve ? "approve" : "deny")}", new { comment });
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }
}
