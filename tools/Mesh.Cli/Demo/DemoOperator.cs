using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Cli.Demo;

/// <summary>
/// Plays the operator at the hub during the demo, through the hub's approvals API (what
/// <c>mesh approvals approve</c> uses): approves every other pending request and leaves the rest to time out.
/// </summary>
internal sealed class DemoOperator(HttpClient hub)
{
    /// <summary>The name of its operator token, which the action log and the decisions record.</summary>
    public const string Name = "demo-operator";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public int Approved { get; private set; }

    public int LeftToTimeOut { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            List<PendingJson>? pending;
            try
            {
                pending = await hub.GetFromJsonAsync<List<PendingJson>>("api/approvals?state=pending", Json, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                continue;
            }
            foreach (var p in pending ?? [])
            {
                if (p.Id is null || !_seen.Add(p.Id))
                    continue;
                if (_seen.Count % 2 == 1)
                {
                    using var response = await hub.PostAsJsonAsync($"api/approvals/{Uri.EscapeDataString(p.Id)}/approve",
                        new { comment = $"vent {p.Device} checked on camera" }, Json, ct).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                        Approved++;
                }
                else
                {
                    LeftToTimeOut++;
                }
            }
        }
    }

    private sealed class PendingJson
    {
        public string? Id { get; init; }

        public string? Device { get; init; }
    }
}
