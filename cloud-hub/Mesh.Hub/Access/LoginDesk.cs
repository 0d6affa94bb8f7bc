using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Access;

/// <summary>
/// Checks a console login. A wrong password, an unknown name and a locked name get the same answer and about the
/// same cost: an unknown name is checked against a dummy hash of the same strength, and a locked name's password is
/// still hashed. Every attempt is logged in the action log.
/// </summary>
public sealed class LoginDesk
{
    /// <summary>The claim that ties a session to the password hash it was opened with: changing the password in the
    /// configuration ends the user's sessions.</summary>
    public const string StampClaim = "mesh:stamp";

    private readonly IOptions<HubOptions> _options;
    private readonly LoginThrottle _throttle;
    private readonly AccessAudit _audit;
    private readonly ILogger<LoginDesk> _logger;
    private readonly Lazy<string> _dummyHash;

    public LoginDesk(IOptions<HubOptions> options, LoginThrottle throttle, AccessAudit audit, ILogger<LoginDesk> logger)
    {
        _options = options;
        _throttle = throttle;
        _audit = audit;
        _logger = logger;
        _dummyHash = new Lazy<string>(() => PasswordHash.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)),
            Users.Select(u => PasswordHash.TryParse(u.PasswordHash, out var p, out _) ? p.Iterations : 0).DefaultIfEmpty(PasswordHash.MinIterations).Max()));
    }

    private IReadOnlyList<AccessUserOptions> Users => _options.Value.Access.Users;

    /// <summary>The principal of a successful login; null for every kind of refusal.</summary>
    public ClaimsPrincipal? SignIn(string name, string password, string scheme, string remote)
    {
        name = name.Trim();
        var user = Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));
        var lockedUntil = _throttle.LockedUntil(name);
        var matches = PasswordHash.Verify(password, user?.PasswordHash ?? _dummyHash.Value);
        var detail = new Dictionary<string, object?> { ["remote"] = remote };
        if (lockedUntil is { } until)
        {
            HubLog.LoginWhileLocked(_logger, AccessAudit.Printable(name), remote, until);
            _audit.Record(name, AccessAudit.LoginWhileLocked, name, HubActor.Password, detail);
            return null;
        }
        if (user is null || !matches)
        {
            var locked = _throttle.Fail(name);
            HubLog.LoginFailed(_logger, AccessAudit.Printable(name), remote, user is not null);
            _audit.Record(name, AccessAudit.LoginFailed, name, HubActor.Password, detail);
            if (locked is { } lockEnd)
            {
                HubLog.LoginLockedOut(_logger, AccessAudit.Printable(name), lockEnd);
                _audit.Record(name, AccessAudit.LoginLockedOut, name, HubActor.Password,
                    new Dictionary<string, object?> { ["remote"] = remote, ["until"] = lockEnd.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
            }
            return null;
        }
        _throttle.Succeed(name);
        var role = AccessRoles.Parse(user.Role)!.Value;
        HubLog.LoginSucceeded(_logger, user.Name, AccessRoles.Name(role), remote);
        _audit.Record(user.Name, AccessAudit.LoginSucceeded, user.Name, HubActor.Password, detail);
        var principal = HubActor.Principal(user.Name, role, HubActor.Password, scheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(StampClaim, Stamp(user.PasswordHash)));
        return principal;
    }

    /// <summary>Whether a password session still matches the configuration: the user exists with the same role and
    /// password hash (sessions survive restarts, and the configuration may have changed in between).</summary>
    public bool IsCurrent(ClaimsPrincipal session)
    {
        if (session.FindFirst(HubActor.ViaClaim)?.Value != HubActor.Password)
            return true;
        var name = session.Identity?.Name;
        var user = Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
        return user is not null
            && session.IsInRole(AccessRoles.Name(AccessRoles.Parse(user.Role)!.Value))
            && session.FindFirst(StampClaim)?.Value == Stamp(user.PasswordHash);
    }

    private static string Stamp(string passwordHash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)).AsSpan(0, 8));
}
