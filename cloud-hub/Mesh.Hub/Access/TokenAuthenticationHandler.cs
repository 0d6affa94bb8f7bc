using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Mesh.Hub.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Access;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c>: hashes the token and looks its SHA-256 up among
/// <c>Hub:Access:Tokens</c>. A request with this header is never cookie-authenticated, so it needs no CSRF token.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder,
    IOptions<HubOptions> hub)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "MeshToken";
    public const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryReadBearer(Request, out var token))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (token.Length is 0 or > ApiToken.MaxLength)
            return Task.FromResult(Refuse("the bearer token is empty or too long"));
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        foreach (var configured in hub.Value.Access.Tokens)
        {
            // Fixed-time comparison of digests: timing says nothing about how close a guess came.
            if (CryptographicOperations.FixedTimeEquals(digest, Convert.FromHexString(configured.Sha256)))
            {
                var role = AccessRoles.Parse(configured.Role)!.Value;
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(
                    HubActor.Principal(configured.Name, role, HubActor.Token, SchemeName), SchemeName)));
            }
        }
        return Task.FromResult(Refuse("the bearer token is not one of Hub:Access:Tokens"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        // The result of this request's authentication, cached by the base class: say why the token was refused.
        var failure = (await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false)).Failure?.Message;
        await Response.WriteAsJsonAsync(new ApiError(failure is null
            ? "authentication required: send 'Authorization: Bearer <token>' (mesh access token makes one) or sign in at /login"
            : $"{failure}: make one with 'mesh access token' and add its lines to the hub's configuration")).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Response.WriteAsJsonAsync(new ApiError(AccessDenied.Message(Context))).ConfigureAwait(false);
    }

    /// <summary>True when the request carries an Authorization header of the Bearer scheme.</summary>
    public static bool TryReadBearer(HttpRequest request, out string token)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            token = header[BearerPrefix.Length..].Trim();
            return true;
        }
        token = "";
        return false;
    }

    private AuthenticateResult Refuse(string reason)
    {
        HubLog.TokenRefused(Logger, Request.Method, Request.Path, reason);
        return AuthenticateResult.Fail(reason);
    }
}
