using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using Mesh.Hub;

namespace Mesh.Cli;

/// <summary>How CLI commands talk to the hub's JSON API on its main port (HTTP/2 cleartext, prior knowledge), with
/// an API token from <c>--token</c> or <see cref="TokenVariable"/>.</summary>
internal static class HubConnection
{
    /// <summary>The environment variable that holds the hub API token when <c>--token</c> is not given.</summary>
    public const string TokenVariable = "MESH_HUB_TOKEN";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The <c>--token</c> option of every command that calls the hub.</summary>
    public static Option<string?> TokenOption() => new("--token")
    {
        Description = $"the hub API token ('mesh access token' makes one; default: ${TokenVariable}, which keeps it out of the process list and shell history)",
    };

    /// <summary>The token to send: <paramref name="option"/> if given, else <see cref="TokenVariable"/>; null when neither is set.</summary>
    public static string? Token(string? option) =>
        option is { Length: > 0 } ? option : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } env ? env.Trim() : null;

    /// <summary>What to tell a person whose call the hub refused for access (401 or 403); null for other answers.</summary>
    public static string? AccessHint(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized =>
            $"the hub wants an API token: pass --token <token> or set {TokenVariable} (an admin makes one with 'mesh access token' and adds it to the hub's configuration); a token the hub does not know is refused the same way",
        HttpStatusCode.Forbidden =>
            "the token's role may not do this (viewer reads, operator also decides approvals, admin also pushes and rolls back policies); ask an admin for a token with the role it needs",
        _ => null,
    };

    /// <summary>The hub's base address with a trailing slash (so relative API paths keep any path prefix); null if unusable.</summary>
    public static Uri? Address(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return null;
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>A client for the hub's main port, as the hub itself and its tests create one, sending the token
    /// (<paramref name="token"/>, else <see cref="TokenVariable"/>). The caller disposes it.</summary>
    public static HttpClient Create(Uri hub, string? token)
    {
        var http = HubApp.CreateHttpClient(hub);
        http.Timeout = Timeout;
        if (Token(token) is { } bearer)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return http;
    }
}
