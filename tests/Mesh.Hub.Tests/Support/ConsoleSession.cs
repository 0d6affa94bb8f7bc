using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Mesh.Hub.Access;

namespace Mesh.Hub.Tests.Support;

/// <summary>A browser's view of the hub: a cookie jar, no automatic redirects, forms with their antiforgery field.</summary>
internal sealed partial class ConsoleSession : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="cookies">Another session's cookie jar: the same browser after the hub restarted on a new port.</param>
    public ConsoleSession(Uri address, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _http;

    /// <summary>The antiforgery token of the current session (from <c>GET /api/session</c>), for the header.</summary>
    public string? CsrfToken { get; private set; }

    /// <summary>GETs the login page and returns its form's antiforgery field.</summary>
    public async Task<string> LoginFormTokenAsync()
    {
        var page = await _http.GetStringAsync("/login");
        return CsrfField().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException($"the login page has no {AccessSetup.AntiforgeryFieldName} field:\n{page}");
    }

    /// <summary>Posts the login form as a browser does (with its antiforgery field, unless <paramref name="withCsrf"/> is false).</summary>
    public async Task<HttpResponseMessage> LoginAsync(string name, string password, bool withCsrf = true, string? returnUrl = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("name", name), new("password", password) };
        if (withCsrf)
            fields.Add(new(AccessSetup.AntiforgeryFieldName, await LoginFormTokenAsync()));
        if (returnUrl is not null)
            fields.Add(new("returnUrl", returnUrl));
        return await _http.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    /// <summary>Logs in and expects success; then reads the session's antiforgery token.</summary>
    public async Task SignInAsync(string name, string password)
    {
        using var response = await LoginAsync(name, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var session = (await _http.GetFromJsonAsync<SessionView>("/api/session"))!;
        CsrfToken = session.CsrfToken;
    }

    /// <summary>A request with the session cookie and, when <paramref name="withCsrf"/>, the antiforgery header.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, bool withCsrf = true, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (withCsrf && CsrfToken is not null)
            request.Headers.Add(AccessSetup.AntiforgeryHeader, CsrfToken);
        return _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
