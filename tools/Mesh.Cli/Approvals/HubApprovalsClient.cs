namespace Mesh.Cli.Approvals;

/// <summary>The hub's approvals API (<c>api/approvals</c>).</summary>
internal sealed class HubApprovalsClient(HttpClient http)
{
    private readonly HubApiClient _api = new(http);

    public Task<List<ApprovalJson>> ListAsync(string state, string? site, string? node, CancellationToken ct)
    {
        var query = $"api/approvals?state={Uri.EscapeDataString(state)}"
            + (site is null ? "" : $"&site={Uri.EscapeDataString(site)}")
            + (node is null ? "" : $"&node={Uri.EscapeDataString(node)}");
        return _api.GetAsync<List<ApprovalJson>>(query, ct);
    }

    public Task<ApprovalJson> DecideAsync(string id, bool approved, string by, string? comment, CancellationToken ct) =>
        _api.PostAsync<ApprovalJson>($"api/approvals/{Uri.EscapeDataString(id)}/{(approved ? "approve" : "deny")}", new { by, comment }, ct);
}
