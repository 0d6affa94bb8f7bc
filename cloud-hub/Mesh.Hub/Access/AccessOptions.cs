namespace Mesh.Hub.Access;

/// <summary>Who may use the hub's JSON API and console (section <c>Hub:Access</c>, docs/ACCESS.md). With no users and
/// no tokens every API call is refused (401): the hub has no anonymous access besides <c>/healthz</c> and node gRPC.</summary>
public sealed record AccessOptions
{
    public const string SectionName = "Hub:Access";

    /// <summary>Console users (<c>Hub:Access:Users:&lt;n&gt;:Name</c>, <c>:Role</c>, <c>:PasswordHash</c>). Default none.</summary>
    public IReadOnlyList<AccessUserOptions> Users { get; init; } = [];

    /// <summary>API tokens for the CLI and scripts (<c>Hub:Access:Tokens:&lt;n&gt;:Name</c>, <c>:Role</c>, <c>:Sha256</c>). Default none.</summary>
    public IReadOnlyList<AccessTokenOptions> Tokens { get; init; } = [];

    /// <summary>When repeated failed logins lock an account (section <c>Hub:Access:Lockout</c>).</summary>
    public LockoutOptions Lockout { get; init; } = new();

    /// <summary>Login attempts (<c>POST /login</c>) accepted per client address per minute; more get 429 before any
    /// password is hashed. Bounds the CPU an attacker can burn on PBKDF2 and the rows failed logins add to the action
    /// log, across all names. Default 30.</summary>
    public int LoginsPerMinute { get; init; } = 30;

    /// <summary>How long a console session lasts while idle. Every request in the second half of it renews it
    /// (sliding expiry). Default 2 h.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Addresses of reverse proxies in front of the console (<c>Hub:Access:TrustedProxies:0=10.0.0.2</c>) that
    /// terminate TLS. From these only, the hub believes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>: the login
    /// limit and the action log see each person's address rather than the proxy's, and cookies are marked Secure when
    /// the browser spoke https to the proxy. Default none: the headers are ignored.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>An organisation's identity provider (section <c>Hub:Access:Oidc</c>); off by default.</summary>
    public OidcAccessOptions Oidc { get; init; } = new();
}

/// <summary>A console user. The password is never stored, only its PBKDF2 hash (<c>mesh access hash-password</c>).</summary>
public sealed record AccessUserOptions
{
    /// <summary>The login name: 1-64 characters, no white space or control characters; unique, ignoring case.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>viewer</c>, <c>operator</c> or <c>admin</c>.</summary>
    public string Role { get; init; } = "";

    /// <summary><c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c> as <see cref="PasswordHash"/> writes it.</summary>
    public string PasswordHash { get; init; } = "";
}

/// <summary>An API token. The token is never stored, only its SHA-256 (<c>mesh access token</c> makes both).</summary>
public sealed record AccessTokenOptions
{
    /// <summary>Who uses it, as the action log names the actor (e.g. <c>ci-deploy</c>): same rules as user names,
    /// unique among tokens.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>viewer</c>, <c>operator</c> or <c>admin</c>.</summary>
    public string Role { get; init; } = "";

    /// <summary>64 hex digits: SHA-256 of the token's UTF-8 text.</summary>
    public string Sha256 { get; init; } = "";
}

/// <summary>Failed logins: <see cref="MaxFailures"/> within <see cref="Window"/> lock the name for <see cref="Duration"/>.
/// Unknown names are counted the same way, so the answers never tell whether a name exists.</summary>
public sealed record LockoutOptions
{
    /// <summary>Failures that lock the name. Default 5.</summary>
    public int MaxFailures { get; init; } = 5;

    /// <summary>The span in which failures count. Default 15 min.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a locked name refuses every login, the right password included. Default 15 min.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>Sign-in through an OpenID Connect identity provider (authorization code flow); the provider's role or
/// group claim is mapped to a hub role by <see cref="RoleMap"/>. Off while <see cref="Authority"/> is empty.</summary>
public sealed record OidcAccessOptions
{
    /// <summary>The provider's issuer URL (https), e.g. <c>https://login.example.com/realms/fleet</c>. Empty: off (default).</summary>
    public string Authority { get; init; } = "";

    /// <summary>The hub's client id at the provider.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>The client secret, if the provider requires one (prefer an environment variable to a file).</summary>
    public string ClientSecret { get; init; } = "";

    /// <summary>The claim that carries the user's groups or roles. Default <c>groups</c>.</summary>
    public string RoleClaim { get; init; } = "groups";

    /// <summary>The claim that names the user in the action log. Default <c>preferred_username</c>.</summary>
    public string NameClaim { get; init; } = "preferred_username";

    /// <summary>Provider group or role name → hub role (<c>Hub:Access:Oidc:RoleMap:fleet-admins=admin</c>). A user whose
    /// groups map to several roles gets the highest; one whose groups map to none is refused.</summary>
    public IReadOnlyDictionary<string, string> RoleMap { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public bool Enabled => Authority.Length > 0;
}
