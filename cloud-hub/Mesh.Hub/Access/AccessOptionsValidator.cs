namespace Mesh.Hub.Access;

/// <summary>Checks <see cref="AccessOptions"/> at start-up (called by <see cref="HubOptionsValidator"/>); every
/// failure names the key and the reason, and never repeats a secret.</summary>
public static class AccessOptionsValidator
{
    public const int MaxNameLength = 64;

    public static void Validate(AccessOptions access, List<string> failures)
    {
        const string s = AccessOptions.SectionName;
        var users = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < access.Users.Count; i++)
        {
            var user = access.Users[i];
            var key = $"{s}:{nameof(AccessOptions.Users)}:{i}";
            CheckName(user.Name, $"{key}:{nameof(AccessUserOptions.Name)}", users, i, "user", failures);
            CheckRole(user.Role, $"{key}:{nameof(AccessUserOptions.Role)}", failures);
            if (!PasswordHash.TryParse(user.PasswordHash, out _, out var problem))
                failures.Add($"{key}:{nameof(AccessUserOptions.PasswordHash)}: {problem}");
        }
        var tokens = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var digests = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < access.Tokens.Count; i++)
        {
            var token = access.Tokens[i];
            var key = $"{s}:{nameof(AccessOptions.Tokens)}:{i}";
            CheckName(token.Name, $"{key}:{nameof(AccessTokenOptions.Name)}", tokens, i, "token", failures);
            CheckRole(token.Role, $"{key}:{nameof(AccessTokenOptions.Role)}", failures);
            if (!ApiToken.IsSha256Hex(token.Sha256))
                failures.Add($"{key}:{nameof(AccessTokenOptions.Sha256)}: is not 64 hex digits (the SHA-256 that 'mesh access token' prints)");
            else if (!digests.TryAdd(token.Sha256, i))
                failures.Add($"{key}:{nameof(AccessTokenOptions.Sha256)}: the same token as {s}:{nameof(AccessOptions.Tokens)}:{digests[token.Sha256]}");
        }
        ValidateLockout(access.Lockout, failures);
        if (access.LoginsPerMinute is < 1 or > 10_000)
            failures.Add($"{s}:{nameof(AccessOptions.LoginsPerMinute)}: {access.LoginsPerMinute} is outside 1..10000");
        if (access.SessionIdleTimeout < TimeSpan.FromMinutes(1) || access.SessionIdleTimeout > TimeSpan.FromDays(7))
            failures.Add($"{s}:{nameof(AccessOptions.SessionIdleTimeout)}: {access.SessionIdleTimeout} is outside 00:01:00..7.00:00:00");
        for (var i = 0; i < access.TrustedProxies.Count; i++)
            if (!System.Net.IPAddress.TryParse(access.TrustedProxies[i], out _))
                failures.Add($"{s}:{nameof(AccessOptions.TrustedProxies)}:{i}: '{access.TrustedProxies[i]}' is not an IP address");
        ValidateOidc(access.Oidc, failures);
    }

    /// <summary>A login or token name: 1-64 characters without white space, control characters or '$'.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '$');

    private static void CheckName(string name, string key, Dictionary<string, int> seen, int index, string what, List<string> failures)
    {
        if (!IsValidName(name))
            failures.Add($"{key}: '{name}' is not a {what} name (1-{MaxNameLength} characters, no white space, control characters or '$')");
        else if (!seen.TryAdd(name, index))
            failures.Add($"{key}: '{name}' is already the name of {what} {seen[name]} (names are unique, ignoring case)");
    }

    private static void CheckRole(string role, string key, List<string> failures)
    {
        if (AccessRoles.Parse(role) is null)
            failures.Add($"{key}: '{role}' is not a role; use {string.Join(", ", AccessRoles.All)}");
    }

    private static void ValidateLockout(LockoutOptions lockout, List<string> failures)
    {
        const string s = AccessOptions.SectionName + ":" + nameof(AccessOptions.Lockout);
        if (lockout.MaxFailures is < 1 or > 100)
            failures.Add($"{s}:{nameof(LockoutOptions.MaxFailures)}: {lockout.MaxFailures} is outside 1..100");
        if (lockout.Window < TimeSpan.FromSeconds(1) || lockout.Window > TimeSpan.FromDays(1))
            failures.Add($"{s}:{nameof(LockoutOptions.Window)}: {lockout.Window} is outside 00:00:01..1.00:00:00");
        if (lockout.Duration < TimeSpan.FromSeconds(1) || lockout.Duration > TimeSpan.FromDays(1))
            failures.Add($"{s}:{nameof(LockoutOptions.Duration)}: {lockout.Duration} is outside 00:00:01..1.00:00:00");
    }

    private static void ValidateOidc(OidcAccessOptions oidc, List<string> failures)
    {
        const string s = AccessOptions.SectionName + ":" + nameof(AccessOptions.Oidc);
        if (!oidc.Enabled)
            return;
        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps)
            failures.Add($"{s}:{nameof(OidcAccessOptions.Authority)}: '{oidc.Authority}' is not an https:// issuer URL");
        if (string.IsNullOrWhiteSpace(oidc.ClientId))
            failures.Add($"{s}:{nameof(OidcAccessOptions.ClientId)}: is required when {s}:{nameof(OidcAccessOptions.Authority)} is set");
        if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
            failures.Add($"{s}:{nameof(OidcAccessOptions.RoleClaim)}: must name the claim that carries groups or roles");
        if (string.IsNullOrWhiteSpace(oidc.NameClaim))
            failures.Add($"{s}:{nameof(OidcAccessOptions.NameClaim)}: must name the claim that names the user");
        if (oidc.RoleMap.Count == 0)
            failures.Add($"{s}:{nameof(OidcAccessOptions.RoleMap)}: map at least one group to a role, e.g. {s}:{nameof(OidcAccessOptions.RoleMap)}:fleet-admins=admin");
        foreach (var (group, role) in oidc.RoleMap)
            CheckRole(role, $"{s}:{nameof(OidcAccessOptions.RoleMap)}:{group}", failures);
    }
}
