using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HttpOverrides;

namespace Mesh.Hub.Access;

public static partial class AccessSetup
{
    /// <summary>Authentication, authorization, then the CSRF check. Runs after routing
    /// (so endpoints and their metadata are known) and before the endpoints.</summary>
    public static void UseHubAccess(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value.Access;
        if (access.TrustedProxies.Count > 0)
            app.UseForwardedHeaders(ForwardedFrom(access.TrustedProxies));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.Use(CheckCsrfAsync);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessSetup));
        if (access.Users.Count == 0 && access.Tokens.Count == 0 && !access.Oidc.Enabled)
            HubLog.AccessWarning(logger, "Hub:Access has no users, tokens or identity provider: the JSON API refuses every call (docs/ACCESS.md)");
        if (access.Oidc.Enabled)
            HubLog.OidcEnabled(logger, access.Oidc.Authority, access.Oidc.ClientId, access.Oidc.RoleClaim);
    }

    /// <summary>Believes the client address and scheme only from the configured proxies (none of the defaults: not even
    /// loopback), one hop deep, so a client cannot name an address of its choosing through a proxy it does not pass.</summary>
    private static ForwardedHeadersOptions ForwardedFrom(IReadOnlyList<string> proxies)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var p in proxies)
            options.KnownProxies.Add(IPAddress.Parse(p));
        return options;
    }

    /// <summary>
    /// Every state-changing request without a bearer token (so one a browser could make with the session cookie,
    /// the login form included) must carry the antiforgery token, in the form field or the header. Node gRPC is
    /// exempt: it has no cookies. Runs after authorization, so an anonymous API call still gets its 401.
    /// </summary>
    private static async Task CheckCsrfAsync(HttpContext context, RequestDelegate next)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || IsSafe(context.Request.Method) || endpoint.Metadata.GetMetadata<NodeFacingMetadata>() is not null
            || TokenAuthenticationHandler.TryReadBearer(context.Request, out _))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        try
        {
            await Antiforgery(context).ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException ex)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessSetup));
            HubLog.CsrfRefused(logger, context.Request.Method, context.Request.Path, context.User.Identity?.Name ?? "(anonymous)", ex.Message);
            await WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest,
                "the request has no valid antiforgery token: a form must send the field it was given, a script the "
                + $"'{AntiforgeryHeader}' header (GET /api/session gives one); scripts should use an API token instead",
                html: !IsApi(context.Request)).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
}
