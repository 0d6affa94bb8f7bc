using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Mesh.Hub.Access;

/// <summary>The console's sign-in pages (<c>/login</c>, <c>/logout</c>) and <c>GET /api/session</c>; the console itself is
/// <see cref="AuditConsole.ConsoleEndpoints"/>.</summary>
public static class AccessEndpoints
{
    /// <summary>Form fields longer than this are refused before any hashing.</summary>
    public const int MaxFieldLength = 1024;

    private const string Refused = "Wrong name or password, or the account is locked for a while after too many failures.";

    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", (HttpContext context, string? returnUrl) => LoginForm(context, Local(returnUrl), error: null, StatusCodes.Status200OK))
            .AllowAnonymous();
        endpoints.MapPost("/login", SignInAsync).AllowAnonymous().RequireRateLimiting(AccessSetup.LoginRateLimit);
        endpoints.MapPost("/logout", SignOutAsync).AllowAnonymous();
        endpoints.MapGet("/api/session", Session).RequireAuthorization(AccessPolicies.Viewer);
        OidcSetup.MapLogin(endpoints);
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, LoginDesk desk)
    {
        // The antiforgery check (AccessSetup.CheckCsrfAsync) has already passed, so the form is read.
        if (!context.Request.HasFormContentType)
            return LoginForm(context, "/", "Sign in with the form.", StatusCodes.Status400BadRequest);
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var returnUrl = Local(form["returnUrl"]);
        string name = form["name"].ToString(), password = form["password"].ToString();
        if (name.Length is 0 or > MaxFieldLength || password.Length is 0 or > MaxFieldLength)
            return LoginForm(context, returnUrl, "Enter a name and a password.", StatusCodes.Status400BadRequest);
        var principal = desk.SignIn(name, password, AccessSetup.CookieScheme, Remote(context));
        if (principal is null)
            return LoginForm(context, returnUrl, Refused, StatusCodes.Status401Unauthorized);
        await context.SignInAsync(AccessSetup.CookieScheme, principal).ConfigureAwait(false);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, AccessAudit audit, ILogger<LoginDesk> logger)
    {
        var session = await context.AuthenticateAsync(AccessSetup.CookieScheme).ConfigureAwait(false);
        if (session.Principal?.Identity is { IsAuthenticated: true, Name: { } name })
        {
            await context.SignOutAsync(AccessSetup.CookieScheme).ConfigureAwait(false);
            HubLog.LoggedOut(logger, name);
            audit.Record(name, AccessAudit.Logout, name, session.Principal.FindFirst(HubActor.ViaClaim)?.Value ?? HubActor.Password,
                new Dictionary<string, object?> { ["remote"] = Remote(context) });
        }
        return Results.Redirect("/login");
    }

    /// <summary>Who the caller is, and (for a cookie session) the antiforgery token its scripts send in the
    /// <c>X-CSRF-TOKEN</c> header.</summary>
    private static SessionView Session(HttpContext context)
    {
        var actor = HubActor.From(context.User);
        var csrf = actor.Via == HubActor.Token ? null : AccessSetup.Antiforgery(context).GetAndStoreTokens(context).RequestToken;
        return new SessionView(actor.Name, RoleOf(context.User), actor.Via, csrf);
    }

    private static IResult LoginForm(HttpContext context, string returnUrl, string? error, int status)
    {
        var tokens = AccessSetup.Antiforgery(context).GetAndStoreTokens(context);
        var oidc = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value.Access.Oidc.Enabled;
        return Results.Content(LoginPage.Login(tokens.RequestToken!, returnUrl, error, oidc), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Only a path on this hub, never another site (no open redirect).</summary>
    internal static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 and <= 2048 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl) ? url : "/";

    private static string RoleOf(ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value ?? "";

    private static string Remote(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>The answer of <c>GET /api/session</c>.</summary>
/// <param name="Via"><c>password</c>, <c>token</c> or <c>oidc</c>.</param>
/// <param name="CsrfToken">For cookie sessions: send it as the <c>X-CSRF-TOKEN</c> header on POSTs; null for tokens.</param>
public sealed record SessionView(string Name, string Role, string Via, string? CsrfToken);
