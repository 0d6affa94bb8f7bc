using System.Net;
using System.Net.Http.Json;
using Mesh.Hub.Access;
using Mesh.Hub.Api;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Access;

public sealed class LoginTests
{
    [Fact]
    public async Task Login_RightPassword_SessionCookieIsHttpOnlyStrictAndOpensTheApi()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var browser = new ConsoleSession(hub.Address);

        using var login = await browser.LoginAsync(TestAccess.Operator.Name, TestAccess.Operator.Password, returnUrl: "/api/nodes");

        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        login.Headers.Location!.OriginalString.ShouldBe("/api/nodes");
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AccessSetup.CookieName + "=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldNotContain("secure", Case.Insensitive, "served over plain http; Secure is set when served over https");
        using var nodes = await browser.Http.GetAsync("/api/nodes");
        nodes.StatusCode.ShouldBe(HttpStatusCode.OK);
        var home = await browser.Http.GetStringAsync("/");
        home.ShouldContain(TestAccess.Operator.Name);
    }

    [Fact]
    public async Task Session_HubRestarted_StillValid()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var before = new ConsoleSession(hub.Address);
        await before.SignInAsync(TestAccess.Viewer.Name, TestAccess.Viewer.Password);

        await hub.RestartAsync(TestAccess.Args());
        using var after = new ConsoleSession(hub.Address, before.Cookies);
        using var response = await after.Http.GetAsync("/api/nodes");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Session_PasswordOrRoleChangedInConfiguration_Ended()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var passwordChanged = new ConsoleSession(hub.Address);
        using var roleChanged = new ConsoleSession(hub.Address);
        await passwordChanged.SignInAsync(TestAccess.Viewer.Name, TestAccess.Viewer.Password);
        await roleChanged.SignInAsync(TestAccess.Admin.Name, TestAccess.Admin.Password);

        // User 0 (vera) gets a new hash; user 2 (ada) becomes a viewer.
        await hub.RestartAsync(TestAccess.Args($"--Hub:Access:Users:0:PasswordHash={PasswordHash.Create("a new password for vera")}", "--Hub:Access:Users:2:Role=viewer"));
        using var first = new ConsoleSession(hub.Address, passwordChanged.Cookies);
        using var second = new ConsoleSession(hub.Address, roleChanged.Cookies);
        using var afterPassword = await first.Http.GetAsync("/api/nodes");
        using var afterRole = await second.Http.GetAsync("/api/nodes");

        afterPassword.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        afterRole.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a session keeps the role it was opened with, so it ends when the role changes");
    }

    [Fact]
    public async Task Login_ReturnUrlToAnotherSite_RedirectsHomeInstead()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var browser = new ConsoleSession(hub.Address);

        using var login = await browser.LoginAsync(TestAccess.Viewer.Name, TestAccess.Viewer.Password, returnUrl: "//evil.example/steal");

        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        login.Headers.Location!.OriginalString.ShouldBe("/");
    }

    [Fact]
    public async Task Page_Anonymous_RedirectsToLoginWithReturnUrl()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var browser = new ConsoleSession(hub.Address);

        using var response = await browser.Http.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.PathAndQuery.ShouldBe("/login?ReturnUrl=%2F");
    }

    [Fact]
    public async Task Api_Anonymous_401JsonNoRedirect()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var browser = new ConsoleSession(hub.Address);

        using var response = await browser.Http.GetAsync("/api/nodes");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.Location.ShouldBeNull();
        (await response.Content.ReadFromJsonAsync<ApiError>())!.Error.ShouldContain("Authorization: Bearer");
    }

    [Fact]
    public async Task Logout_EndsTheSessionAndBothAreAudited()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var browser = new ConsoleSession(hub.Address);
        await browser.SignInAsync(TestAccess.Viewer.Name, TestAccess.Viewer.Password);

        using var logout = await browser.SendAsync(HttpMethod.Post, "/logout", content: new FormUrlEncodedContent([]));
        using var after = await browser.Http.GetAsync("/api/nodes");

        logout.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        logout.Headers.Location!.OriginalString.ShouldBe("/login");
        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var log = (await hub.HubActionsAsync()).Actions;
        log.Select(a => (a.Actor, a.Action, a.Detail.GetProperty("via").GetString())).ShouldBe([
            ("vera", AccessAudit.LoginSucceeded, "password"),
            ("vera", AccessAudit.Logout, "password"),
        ]);
        log[0].Detail.GetProperty("remote").GetString().ShouldBe("127.0.0.1");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Login_BehindATrustedProxy_SeesTheClientsAddressAndHttps_OtherwiseIgnoresTheHeaders(bool trusted)
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args(trusted ? ["--Hub:Access:TrustedProxies:0=127.0.0.1"] : []));
        using var browser = new ConsoleSession(hub.Address);
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var form = await browser.LoginFormTokenAsync();
        // The proxy speaks plain http to the hub and passes the browser's cookies on, Secure ones included.
        foreach (System.Net.Cookie c in browser.Cookies.GetAllCookies())
            c.Secure = false;

        using var login = await browser.Http.PostAsync("/login", new FormUrlEncodedContent(
            [new("name", TestAccess.Viewer.Name), new("password", TestAccess.Viewer.Password), new(AccessSetup.AntiforgeryFieldName, form)]));

        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AccessSetup.CookieName + "=", StringComparison.Ordinal));
        var remote = (await hub.HubActionsAsync()).Actions.ShouldHaveSingleItem().Detail.GetProperty("remote").GetString();
        if (trusted)
        {
            cookie.ShouldContain("secure", Case.Insensitive, "the browser spoke https to the proxy");
            remote.ShouldBe("203.0.113.7");
        }
        else
        {
            cookie.ShouldNotContain("secure", Case.Insensitive);
            remote.ShouldBe("127.0.0.1", "a client's own X-Forwarded-For is not believed");
        }
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryField_400AndNoSession()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var browser = new ConsoleSession(hub.Address);

        using var login = await browser.LoginAsync(TestAccess.Admin.Name, TestAccess.Admin.Password, withCsrf: false);
        using var after = await browser.Http.GetAsync("/api/nodes");

        login.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await hub.HubActionsAsync()).Actions.ShouldBeEmpty("the password was never checked");
    }

    [Fact]
    public async Task CookiePost_WithoutAntiforgeryHeader_400AndNothingDecided()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        var chain = new TestChain();
        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-1"), "pending"));
        using var browser = new ConsoleSession(hub.Address);
        await browser.SignInAsync(TestAccess.Operator.Name, TestAccess.Operator.Password);

        using var forged = await browser.SendAsync(HttpMethod.Post, "/api/approvals/apr-1/approve", withCsrf: false, JsonContent.Create(new { comment = "x" }));
        var afterForged = await hub.ApprovalAsync("apr-1");
        using var real = await browser.SendAsync(HttpMethod.Post, "/api/approvals/apr-1/approve", withCsrf: true, JsonContent.Create(new { comment = "checked" }));

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await forged.Content.ReadFromJsonAsync<ApiError>())!.Error.ShouldContain("antiforgery");
        afterForged.Decision.ShouldBeNull();
        real.StatusCode.ShouldBe(HttpStatusCode.OK, await real.Content.ReadAsStringAsync());
        var decided = await hub.ApprovalAsync("apr-1");
        decided.Decision!.By.ShouldBe(TestAccess.Operator.Name);
        var logged = (await hub.HubActionsAsync()).Actions.Single(a => a.Action == "approval.approve");
        (logged.Actor, logged.Detail.GetProperty("via").GetString()).ShouldBe((TestAccess.Operator.Name, "password"));
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 86);
    }

    [Fact]
    public async Task CookiePost_AntiforgeryTokenOfAnotherSession_400()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var victim = new ConsoleSession(hub.Address);
        using var attacker = new ConsoleSession(hub.Address);
        await victim.SignInAsync(TestAccess.Admin.Name, TestAccess.Admin.Password);
        await attacker.SignInAsync(TestAccess.Operator.Name, TestAccess.Operator.Password);
        var stolen = attacker.CsrfToken!;

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sites/{TestChain.Site}/policies/rollback")
        {
            Content = JsonContent.Create(new { toVersion = 1 }), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add(AccessSetup.AntiforgeryHeader, stolen);
        using var response = await victim.Http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Token_Unknown_401WithBearerChallengeAndLogged()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var http = TestAccess.TokenClient(hub.Address, ApiToken.New());

        using var response = await http.GetAsync("/api/nodes");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        (await response.Content.ReadFromJsonAsync<ApiError>())!.Error.ShouldContain("not one of Hub:Access:Tokens");
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 85);
    }

    [Fact]
    public async Task Token_WithSessionCookieToo_IsTheTokenThatCounts()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args());
        using var browser = new ConsoleSession(hub.Address);
        await browser.SignInAsync(TestAccess.Admin.Name, TestAccess.Admin.Password);
        var viewerToken = TestAccess.Tokens.Single(t => t.Role == AccessRoles.Viewer).Value;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Authorization = new("Bearer", viewerToken);
        using var response = await browser.Http.SendAsync(request);

        var session = (await response.Content.ReadFromJsonAsync<SessionView>())!;
        (session.Name, session.Role, session.Via, session.CsrfToken).ShouldBe(("viewer-token", "viewer", "token", (string?)null));
    }
}
