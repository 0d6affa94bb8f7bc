namespace Mesh.Cli.Policy;

/// <summary>The hub's policy API (<c>api/sites/{site}/policies</c>).</summary>
internal sealed class PolicyHubClient(HttpClient http)
{
    private readonly HubApiClient _api = new(http);

    public Task<PolicyActivatedJson> PushAsync(string site, PolicyPushJson body, CancellationToken ct) =>
        _api.PostAsync<PolicyActivatedJson>(Path(site), body, ct);

    public Task<PolicyHistoryJson> HistoryAsync(string site, CancellationToken ct) =>
        _api.GetAsync<PolicyHistoryJson>(Path(site), ct);

    public Task<PolicyActivatedJson> RollbackAsync(string site, PolicyRollbackJson body, CancellationToken ct) =>
        _api.PostAsync<PolicyActivatedJson>(Path(site) + "/rollback", body, ct);

    private static string Path(string site) => $"api/sites/{Uri.EscapeDataString(site)}/policies";
}
