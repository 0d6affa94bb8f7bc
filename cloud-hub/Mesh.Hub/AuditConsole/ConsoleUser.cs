using System.Security.Claims;
using Mesh.Hub.Access;

namespace Mesh.Hub.AuditConsole;

/// <summary>What the console's pages and forms need of the signed-in person.</summary>
public static class ConsoleUser
{
    /// <summary>Whether the request's user holds <paramref name="least"/> or a higher role; pages use it to show only the
    /// forms the person may post (the endpoints enforce the roles themselves).</summary>
    public static bool HasRole(HttpContext? context, AccessRole least) =>
        AccessRoles.Parse(context?.User.FindFirst(ClaimTypes.Role)?.Value) >= least;

    /// <summary>Back to a page after a form post (post, redirect, get), with a <c>done</c> or <c>problem</c> message the
    /// page shows.</summary>
    public static IResult Back(string page, bool ok, string message)
    {
        var separator = page.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect($"{page}{separator}{(ok ? "done" : "problem")}={Uri.EscapeDataString(message)}");
    }
}
