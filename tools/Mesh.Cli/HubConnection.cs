using Mesh.Hub;

namespace Mesh.Cli;

/// <summary>How CLI commands talk to the hub's JSON API on its main port (HTTP/2 cleartext, prior knowledge).</summary>
internal static class HubConnection
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The hub's base address with a trailing slash (so relative API paths keep any path prefix); null if unusable.</summary>
    public static Uri? Address(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return null;
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    /// <summary>A client for the hub's main port, as the hub itself and its tests create one. The caller disposes it.</summary>
    public static HttpClient Create(Uri hub)
    {
        var http = HubApp.CreateHttpClient(hub);
        http.Timeout = Timeout;
        return http;
    }
}
