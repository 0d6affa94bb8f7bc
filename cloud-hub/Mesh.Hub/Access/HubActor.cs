using System.Security.Claims;

namespace Mesh.Hub.Access;

/// <summary>Who performs an action at the hub, as authentication established it: the name the action log records
/// and how they signed in (<see cref="Password"/>, <see cref="Token"/> or <see cref="Oidc"/>).</summary>
public sealed record HubActor(string Name, string Via)
{
    public const string Password = "password";
    public const string Token = "token";
    public const string Oidc = "oidc";

    /// <summary>The claim that carries <see cref="Via"/>.</summary>
    public const string ViaClaim = "mesh:via";

    /// <summary>A principal as the hub's schemes build it: name, role, and how.</summary>
    public static ClaimsPrincipal Principal(string name, AccessRole role, string via, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, AccessRoles.Name(role)), new Claim(ViaClaim, via)],
            scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The actor of an authenticated request.</summary>
    /// <exception cref="InvalidOperationException">The request is not authenticated (an endpoint lost its policy).</exception>
    public static HubActor From(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            ? new HubActor(name, user.FindFirst(ViaClaim)?.Value ?? HubActor.Password)
            : throw new InvalidOperationException("the request is not authenticated; every state-changing endpoint requires a role");
}
