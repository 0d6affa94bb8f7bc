namespace Mesh.Hub.Access;

/// <summary>What a user or token may do at the hub. Each role includes everything of the ones below it.</summary>
public enum AccessRole
{
    /// <summary>Reads everything: nodes, audit records, policies, approvals, the action log.</summary>
    Viewer = 1,

    /// <summary>A viewer who also approves and denies approvals.</summary>
    Operator = 2,

    /// <summary>An operator who also pushes and rolls back policies, and does anything administrative.</summary>
    Admin = 3,
}

/// <summary>The roles' names as configuration, claims and the JSON API write them (lower case).</summary>
public static class AccessRoles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    public static string Name(AccessRole role) => role switch
    {
        AccessRole.Viewer => Viewer,
        AccessRole.Operator => Operator,
        AccessRole.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    /// <summary>Parses a role name, ignoring case; null when it names none.</summary>
    public static AccessRole? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        Viewer => AccessRole.Viewer,
        Operator => AccessRole.Operator,
        Admin => AccessRole.Admin,
        _ => null,
    };

    /// <summary>The role names that satisfy <paramref name="least"/>: that role and every role above it.</summary>
    public static string[] AtLeast(AccessRole least) =>
        [.. Enum.GetValues<AccessRole>().Where(r => r >= least).Select(Name)];
}
