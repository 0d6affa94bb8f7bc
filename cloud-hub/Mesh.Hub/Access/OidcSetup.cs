using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Access;

/// <summary>
/// Sign-in through an organisation's identity provider (OpenID Connect, authorization code flow with PKCE), when
/// <c>Hub:Access:Oidc:Authority</c> is set. The provider authenticates; the hub maps its group claim to a role
/// (<see cref="OidcRoleMapping"/>) and keeps the result in the same session cookie as a password login.
/// </summary>
public static class OidcSetup
{
    public const string Scheme = "oidc";

    internal static void AddIfConfigured(AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var oidc = configuration.GetSection(AccessOptions.SectionName + ":" + nameof(AccessOptions.Oidc)).Get<OidcAccessOptions>();
        if (oidc is not { Enabled: true })
            return;
        authentication.AddOpenIdConnect(Scheme, "identity provider", _ => { });
        authentication.Services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<HubOptions>>((o, hub) =>
        {
            var settings = hub.Value.Access.Oidc;
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret.Length > 0 ? settings.ClientSecret : null;
            o.ResponseType = "code";
            o.UsePkce = true;
            o.SignInScheme = AccessSetup.CookieScheme;
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile" })
                o.Scope.Add(scope);
            o.Events.OnTokenValidated = context => MapPrincipal(context, settings);
        });
    }

    internal static void MapLogin(IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<HubOptions>>().Value.Access.Oidc.Enabled)
            return;
        endpoints.MapGet("/login/oidc", (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = AccessEndpoints.Local(returnUrl) }, [Scheme])).AllowAnonymous();
    }

    /// <summary>Replaces the provider's principal with the hub's (name, role, via <c>oidc</c>), or refuses the
    /// sign-in when no group maps to a role.</summary>
    private static Task MapPrincipal(Microsoft.AspNetCore.Authentication.OpenIdConnect.TokenValidatedContext context, OidcAccessOptions settings)
    {
        var provider = context.Principal!;
        var name = provider.FindFirst(settings.NameClaim)?.Value ?? provider.FindFirst("sub")?.Value ?? "";
        var role = OidcRoleMapping.Map(provider.FindAll(settings.RoleClaim).Select(c => c.Value), settings.RoleMap);
        var audit = context.HttpContext.RequestServices.GetRequiredService<AccessAudit>();
        var remote = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (role is null || !AccessOptionsValidator.IsValidName(name))
        {
            audit.Record(name, AccessAudit.LoginFailed, name, HubActor.Oidc, new Dictionary<string, object?> { ["remote"] = remote, ["reason"] = "no group maps to a role" });
            context.Fail($"'{settings.RoleClaim}' of {name} maps to no hub role (Hub:Access:Oidc:RoleMap)");
            return Task.CompletedTask;
        }
        audit.Record(name, AccessAudit.LoginSucceeded, name, HubActor.Oidc, new Dictionary<string, object?> { ["remote"] = remote });
        context.Principal = new ClaimsPrincipal(HubActor.Principal(name, role.Value, HubActor.Oidc, AccessSetup.CookieScheme).Identities);
        return Task.CompletedTask;
    }
}
