using System.Net;
using System.Net.Http.Json;
using Mesh.Hub.Access;
using Mesh.Hub.Api;
using Mesh.Hub.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Hub.Tests.Access;

/// <summary>
/// Every endpoint the hub maps × every kind of caller → allowed, 401 (or a redirect to /login for pages) or 403.
/// The endpoints come from the running app's <see cref="EndpointDataSource"/>: an endpoint added without an entry in
/// <see cref="Expected"/> fails this test, so none can slip in unprotected.
/// </summary>
public sealed class AccessRoleMatrixTests
{
    /// <summary>Who may call what. <c>null</c>: anyone, signed in or not.</summary>
    private static readonly Dictionary<string, AccessRole?> Expected = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = null,
        // Fleet size, node activity and refusals: for the hub's users (Prometheus scrapes with a viewer token).
        ["GET /metrics"] = AccessRole.Viewer,
        ["GET /login"] = null,
        ["POST /login"] = null,
        ["POST /logout"] = null,
        // The audit console: its pages (the component endpoints take GET and POST), its assets, its approval form.
        ["GET /console/{file}"] = null,
        ["GET /"] = AccessRole.Viewer,
        ["POST /"] = AccessRole.Viewer,
        ["GET /timeline"] = AccessRole.Viewer,
        ["POST /timeline"] = AccessRole.Viewer,
        ["GET /decisions/{NodeId}/{Seq:long}"] = AccessRole.Viewer,
        ["POST /decisions/{NodeId}/{Seq:long}"] = AccessRole.Viewer,
        ["GET /approvals"] = AccessRole.Viewer,
        ["POST /approvals"] = AccessRole.Viewer,
        ["POST /approvals/{id}/decision"] = AccessRole.Operator,
        ["GET /policies"] = AccessRole.Viewer,
        ["POST /policies"] = AccessRole.Viewer,
        ["POST /policies/{site}/rollback"] = AccessRole.Admin,
        ["GET /policies/{Site}"] = AccessRole.Viewer,
        ["POST /policies/{Site}"] = AccessRole.Viewer,
        ["GET /chains"] = AccessRole.Viewer,
        ["POST /chains"] = AccessRole.Viewer,
        ["GET /chains/{NodeId}"] = AccessRole.Viewer,
        ["POST /chains/{NodeId}"] = AccessRole.Viewer,
        ["GET /charts"] = AccessRole.Viewer,
        ["POST /charts"] = AccessRole.Viewer,
        ["GET /_framework/opaque-redirect"] = AccessRole.Viewer,
        ["GET /api/session"] = AccessRole.Viewer,
        ["GET /api/nodes"] = AccessRole.Viewer,
        ["GET /api/nodes/{id}/audit"] = AccessRole.Viewer,
        ["GET /api/sync/status"] = AccessRole.Viewer,
        ["GET /api/sites/{site}/policies"] = AccessRole.Viewer,
        ["GET /api/sites/{site}/policies/{version}"] = AccessRole.Viewer,
        ["POST /api/sites/{site}/policies"] = AccessRole.Admin,
        ["POST /api/sites/{site}/policies/rollback"] = AccessRole.Admin,
        ["GET /api/approvals"] = AccessRole.Viewer,
        ["GET /api/approvals/{id}"] = AccessRole.Viewer,
        ["POST /api/approvals/{id}/approve"] = AccessRole.Operator,
        ["POST /api/approvals/{id}/deny"] = AccessRole.Operator,
        ["GET /api/hub-actions"] = AccessRole.Viewer,
        ["POST /api/nodes/{id}/enrollment-tokens"] = AccessRole.Admin,
        ["POST /api/nodes/{id}/revoke"] = AccessRole.Admin,
    };

    private sealed record Caller(string Name, AccessRole? Role, Func<HubHarness, Task<Func<HttpMethod, string, Task<HttpResponseMessage>>>> Connect);

    [Fact]
    public async Task EveryEndpoint_EveryCaller_AllowedOrRefusedByRole()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        var endpoints = UserEndpoints(hub);
        endpoints.Keys.Except(Expected.Keys).ShouldBeEmpty("endpoints without an entry in the role matrix: give each its role");
        Expected.Keys.Except(endpoints.Keys).ShouldBeEmpty("entries of the role matrix that the hub no longer maps");

        var sessions = new List<IDisposable>();
        var callers = new List<(string Name, AccessRole? Role, bool Cookie, Func<HttpMethod, string, Task<HttpResponseMessage>> Send)>
        {
            ("anonymous", null, false, Anonymous(hub, sessions)),
        };
        foreach (var user in TestAccess.Users)
            callers.Add(($"user {user.Name}", AccessRoles.Parse(user.Role), true, await SignedIn(hub, user, sessions)));
        foreach (var token in TestAccess.Tokens)
            callers.Add(($"token {token.Name}", AccessRoles.Parse(token.Role), false, WithToken(hub, token.Value, sessions)));

        var failures = new List<string>();
        try
        {
            // Sign-outs last: they end the cookie sessions the other rows use.
            foreach (var (key, needed) in Expected.OrderBy(e => e.Key == "POST /logout"))
            {
                var (method, path) = Request(key);
                foreach (var caller in callers)
                {
                    using var response = await caller.Send(method, path);
                    var outcome = Outcome(response);
                    var expected = needed is null ? "allowed"
                        : caller.Role is null ? (IsProgramFacing(path) ? "401" : "login")
                        : caller.Role >= needed ? "allowed" : "403";
                    if (outcome != expected)
                        failures.Add($"{key} as {caller.Name}: expected {expected}, got {outcome} ({(int)response.StatusCode} {await response.Content.ReadAsStringAsync()})");
                    else if (outcome is "401" or "403" && IsProgramFacing(path))
                        (await response.Content.ReadFromJsonAsync<ApiError>())!.Error.ShouldNotBeNullOrWhiteSpace();
                    else if (outcome is "403")
                        (await response.Content.ReadAsStringAsync()).ShouldContain(AccessRoles.Name(needed!.Value), Case.Insensitive, "a page's 403 names the role it needs");
                }
            }
        }
        finally
        {
            foreach (var s in sessions)
                s.Dispose();
        }
        failures.ShouldBeEmpty();
    }

    /// <summary>The JSON API and the Prometheus scrape answer programs: a 401 in JSON, never the login page.</summary>
    private static bool IsProgramFacing(string path) => path.StartsWith("/api/", StringComparison.Ordinal) || path == "/metrics";

    [Fact]
    public async Task NodeServices_AreAnonymousAndNodeFacing_EveryOtherEndpointHasAPolicyOrIsAnonymousOnPurpose()
    {
        await using var hub = await HubHarness.StartAsync();
        var all = hub.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var grpc = all.Where(e => e.Metadata.GetMetadata<NodeFacingMetadata>() is not null).ToList();

        // The four services (nodes authenticate with mutual TLS, NodeGate), and the catch-all gRPC adds to answer Unimplemented.
        grpc.Select(e => e.RoutePattern.RawText!.Split('/')[1]).Where(s => !s.Contains("unimplemented", StringComparison.Ordinal)).Distinct()
            .ShouldBe(["mesh.v1.Enrollment", "mesh.v1.AuditSync", "mesh.v1.NodeControl", "mesh.v1.SiteGossip"], ignoreOrder: true);
        grpc.ShouldAllBe(e => e.Metadata.GetMetadata<IAllowAnonymous>() != null);
        all.Except(grpc).Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .ShouldAllBe(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => AccessPolicies.RoleOf(a.Policy) != null));
    }

    /// <summary>The hub's endpoints for people (not node gRPC, not the catch-alls gRPC adds for unknown methods), by "METHOD pattern".</summary>
    private static Dictionary<string, RouteEndpoint> UserEndpoints(HubHarness hub) =>
        hub.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<NodeFacingMetadata>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => (Key: $"{m} {e.RoutePattern.RawText}", e)))
            .ToDictionary(x => x.Key, x => x.e);

    private static (HttpMethod Method, string Path) Request(string key)
    {
        var space = key.IndexOf(' ');
        var path = key[(space + 1)..].Replace("{id}", "nope").Replace("{site}", TestChain.Site).Replace("{version}", "1")
            .Replace("{NodeId}", "nope").Replace("{Seq:long}", "1").Replace("{Site}", TestChain.Site).Replace("{file}", "nope.css");
        return (new HttpMethod(key[..space]), path);
    }

    private static string Outcome(HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.Unauthorized when IsProgramFacing(response.RequestMessage!.RequestUri!.AbsolutePath) => "401",
        HttpStatusCode.Forbidden => "403",
        HttpStatusCode.Redirect when response.Headers.Location?.OriginalString.Contains("/login?ReturnUrl=", StringComparison.Ordinal) == true => "login",
        _ => "allowed",
    };

    private static Func<HttpMethod, string, Task<HttpResponseMessage>> Anonymous(HubHarness hub, List<IDisposable> owned)
    {
        var session = new ConsoleSession(hub.Address);
        owned.Add(session);
        return (method, path) => session.SendAsync(method, path, withCsrf: false, Body(method));
    }

    private static async Task<Func<HttpMethod, string, Task<HttpResponseMessage>>> SignedIn(HubHarness hub, TestAccess.User user, List<IDisposable> owned)
    {
        var session = new ConsoleSession(hub.Address);
        owned.Add(session);
        await session.SignInAsync(user.Name, user.Password);
        return (method, path) => session.SendAsync(method, path, withCsrf: true, Body(method));
    }

    private static Func<HttpMethod, string, Task<HttpResponseMessage>> WithToken(HubHarness hub, string token, List<IDisposable> owned)
    {
        var http = TestAccess.TokenClient(hub.Address, token);
        owned.Add(http);
        return (method, path) => http.SendAsync(new HttpRequestMessage(method, path)
        {
            Content = Body(method), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
    }

    /// <summary>An empty JSON object: enough to pass authorization and be refused (400/404) or ignored by the handler,
    /// so the matrix changes nothing.</summary>
    private static HttpContent? Body(HttpMethod method) => method == HttpMethod.Post ? JsonContent.Create(new { }) : null;
}
