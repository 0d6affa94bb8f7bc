using System.Threading.RateLimiting;
using Mesh.Hub.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Access;

/// <summary>
/// Registers the hub's access layer: a policy scheme that sends requests with <c>Authorization: Bearer</c> to the
/// token scheme and all others to the session cookie; one authorization policy per role; antiforgery for cookie
/// requests; and, when configured, the OpenID Connect scheme (<see cref="OidcSetup"/>).
/// </summary>
public static partial class AccessSetup
{
    public const string Scheme = "Mesh";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "mesh.session";
    public const string AntiforgeryCookieName = "mesh.csrf";

    /// <summary>The header that carries the antiforgery token on cookie requests made by scripts; forms send the
    /// field <see cref="AntiforgeryFieldName"/>.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string AntiforgeryFieldName = "__csrf";

    /// <summary>The rate limit policy of <c>POST /login</c> (<see cref="AccessOptions.LoginsPerMinute"/> per client address).</summary>
    public const string LoginRateLimit = "login";

    public static void AddHubAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AccessAudit>();
        services.AddSingleton<LoginDesk>();
        // Sessions survive a restart: the keys that protect the cookies live next to the database, which is the
        // hub's one private folder (docs/ACCESS.md says so: protect it like the database).
        services.AddDataProtection().SetApplicationName("mesh-hub");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<HubOptions>, ILoggerFactory>((keys, hub, logs) =>
            keys.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
                new DirectoryInfo(KeyFolder(hub.Value)), logs));

        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "bearer token or session cookie", o => o.ForwardDefaultSelector = context =>
                TokenAuthenticationHandler.TryReadBearer(context.Request, out _) ? TokenAuthenticationHandler.SchemeName : CookieScheme)
            .AddCookie(CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<HubOptions>>(ConfigureCookie);
        OidcSetup.AddIfConfigured(authentication, builder.Configuration);
        services.AddAuthorization(AccessPolicies.Add);
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(LoginRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<HubOptions>>().Value.Access.LoginsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = (rejected, _) => new ValueTask(WriteErrorAsync(rejected.HttpContext.Response, StatusCodes.Status429TooManyRequests,
                "Too many login attempts from this address; wait a minute.", html: true));
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.FormFieldName = AntiforgeryFieldName;
            o.Cookie.Name = AntiforgeryCookieName;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
    }

    /// <summary>Where the data protection keys live: <c>keys/</c> beside <c>Hub:DataPath</c>.</summary>
    public static string KeyFolder(HubOptions hub) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(hub.DataPath)) ?? ".", "keys");

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, IOptions<HubOptions> hub)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.ExpireTimeSpan = hub.Value.Access.SessionIdleTimeout;
        cookie.SlidingExpiration = true;
        cookie.LoginPath = "/login";
        cookie.LogoutPath = "/logout";
        cookie.AccessDeniedPath = "/login";
        cookie.Events.OnRedirectToLogin = context => IsApi(context.Request)
            ? WriteErrorAsync(context.Response, StatusCodes.Status401Unauthorized,
                "authentication required: send 'Authorization: Bearer <token>' (mesh access token makes one) or sign in at /login")
            : Redirect(context);
        cookie.Events.OnRedirectToAccessDenied = context => WriteErrorAsync(context.Response, StatusCodes.Status403Forbidden,
            AccessDenied.Message(context.HttpContext), html: !IsApi(context.Request));
        cookie.Events.OnValidatePrincipal = context =>
        {
            if (context.Principal is { } session && !context.HttpContext.RequestServices.GetRequiredService<LoginDesk>().IsCurrent(session))
                context.RejectPrincipal();
            return Task.CompletedTask;
        };
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Callers that are programs (the JSON API, a Prometheus scrape): a 401 or 403 in JSON, never a login page.</summary>
    internal static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || request.Path.Equals("/metrics", StringComparison.Ordinal);

    internal static async Task WriteErrorAsync(HttpResponse response, int status, string message, bool html = false)
    {
        response.StatusCode = status;
        if (html)
        {
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(LoginPage.Message(status == StatusCodes.Status403Forbidden ? "Not allowed" : "Refused", message)).ConfigureAwait(false);
        }
        else
            await response.WriteAsJsonAsync(new ApiError(message)).ConfigureAwait(false);
    }

    internal static IAntiforgery Antiforgery(HttpContext context) => context.RequestServices.GetRequiredService<IAntiforgery>();
}
