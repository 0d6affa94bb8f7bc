using Microsoft.AspNetCore.Authorization;

namespace Mesh.Hub.Access;

/// <summary>One authorization policy per role, each satisfied by that role and the ones above it.</summary>
public static class AccessPolicies
{
    public const string Viewer = "role:viewer";
    public const string Operator = "role:operator";
    public const string Admin = "role:admin";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Viewer, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.AtLeast(AccessRole.Viewer)));
        options.AddPolicy(Operator, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.AtLeast(AccessRole.Operator)));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.AtLeast(AccessRole.Admin)));
        // An endpoint mapped without a policy is closed to everyone but viewers and above, never open.
        options.FallbackPolicy = options.GetPolicy(Viewer);
    }

    /// <summary>The role a policy name stands for; null for other names.</summary>
    public static AccessRole? RoleOf(string? policy) => policy switch
    {
        Viewer => AccessRole.Viewer,
        Operator => AccessRole.Operator,
        Admin => AccessRole.Admin,
        _ => null,
    };
}

/// <summary>Marks the node-facing gRPC services: outside user authentication and CSRF checks (nodes will
/// authenticate with mutual TLS instead, docs/ACCESS.md).</summary>
public sealed class NodeFacingMetadata
{
    public static readonly NodeFacingMetadata Instance = new();
}

/// <summary>What a 403 says (and logs): who asked, their role, and the role the endpoint needs.</summary>
internal static class AccessDenied
{
    public static string Message(HttpContext context)
    {
        var needed = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => AccessPolicies.RoleOf(a.Policy)).Max()
            ?? AccessRole.Viewer;
        var user = context.User;
        var role = user.Claims.FirstOrDefault(c => c.Type == System.Security.Claims.ClaimTypes.Role)?.Value ?? "none";
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessDenied));
        HubLog.AccessDenied(logger, context.Request.Method, context.Request.Path, user.Identity?.Name ?? "", role, AccessRoles.Name(needed));
        return $"{user.Identity?.Name} ({role}) may not {context.Request.Method} {context.Request.Path}: it needs the role {AccessRoles.Name(needed)} or higher; ask an admin";
    }
}
