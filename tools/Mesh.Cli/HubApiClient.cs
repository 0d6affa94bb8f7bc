using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Cli;

/// <summary>
/// Calls the hub's JSON API on its main port for the CLI's commands; every failure becomes a
/// <see cref="HubCallException"/> whose message says what went wrong and what to do.
/// </summary>
internal sealed class HubApiClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<T> GetAsync<T>(string path, CancellationToken ct)
        where T : class => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
        where T : class => SendAsync<T>(HttpMethod.Post, path, JsonContent.Create(body, body.GetType(), options: Json), ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
        where T : class
    {
        var where = new Uri(http.BaseAddress!, path);
        try
        {
            // HttpClient applies its default version only to its own shortcut methods, not to a message built here:
            // copy it, or the request goes out as HTTP/1.1, which the hub's main port refuses.
            using var request = new HttpRequestMessage(method, path)
            {
                Content = content,
                Version = http.DefaultRequestVersion,
                VersionPolicy = http.DefaultVersionPolicy,
            };
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw await RefusedAsync(method, where, response, ct).ConfigureAwait(false);
            return await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false)
                ?? throw new HubCallException($"{method} {where} answered null");
        }
        catch (HttpRequestException ex)
        {
            throw new HubCallException($"cannot reach the hub at {http.BaseAddress} ({ex.Message}). Is mesh-hub running there? "
                + "--hub must be its main address (Hub:Url), which speaks HTTP/2 only.");
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new HubCallException($"{method} {where} timed out ({ex.Message})");
        }
        catch (JsonException ex)
        {
            throw new HubCallException($"{method} {where} did not answer the expected JSON ({ex.Message}); is that address a Mesh hub?");
        }
    }

    private static async Task<HubCallException> RefusedAsync(HttpMethod method, Uri where, HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        HubErrorJson? body = null;
        try
        {
            body = JsonSerializer.Deserialize<HubErrorJson>(text, Json);
        }
        catch (JsonException)
        {
            // Not the hub's JSON (a proxy's page, say): show the start of the text below.
        }
        var error = body?.Error ?? (text.Length > 300 ? text[..300] + "…" : text);
        var errors = body?.Errors?.Select(e => $"{e.File}:{e.Line}:{e.Column}: {e.Message}").ToList();
        if (HubConnection.AccessHint(response.StatusCode) is { } hint)
            return new HubCallException($"{method} {where} answered {(int)response.StatusCode} {response.ReasonPhrase}{(string.IsNullOrWhiteSpace(error) ? "" : $" ({error})")}: {hint}");
        var message = string.IsNullOrWhiteSpace(error) ? $"{method} {where} answered {(int)response.StatusCode} {response.ReasonPhrase}" : response.StatusCode switch
        {
            HttpStatusCode.BadRequest when errors is { Count: > 0 } => $"the hub refused it: {error}",
            HttpStatusCode.Conflict => $"the hub refused: {error}",
            HttpStatusCode.NotFound => $"not found: {error}",
            _ => $"{method} {where} answered {(int)response.StatusCode} {response.ReasonPhrase}: {error}",
        };
        return new HubCallException(message, errors);
    }

    /// <summary>The hub's 4xx body: <c>{"error": "...", "errors": [{"file","line","column","message"}]}</c> (errors for invalid policies).</summary>
    private sealed class HubErrorJson
    {
        public string? Error { get; init; }

        public List<HubErrorItemJson>? Errors { get; init; }
    }

    private sealed class HubErrorItemJson
    {
        public string? File { get; init; }

        public int Line { get; init; }

        public int Column { get; init; }

        public string? Message { get; init; }
    }
}

/// <summary>A call to the hub failed. The message is for a person; <see cref="Errors"/> holds the policy errors the
/// hub found (<c>file:line:column: message</c>), if it answered with any.</summary>
internal sealed class HubCallException(string message, IReadOnlyList<string>? errors = null) : Exception(message)
{
    public IReadOnlyList<string> Errors { get; } = errors ?? [];
}
