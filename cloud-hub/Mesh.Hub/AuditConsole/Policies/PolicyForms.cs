using System.Globalization;
using Mesh.Hub.Access;
using Mesh.Hub.Policies;

namespace Mesh.Hub.AuditConsole.Policies;

/// <summary>
/// The Policies page's rollback form: an admin activates a stored version again, with a comment, then is sent back to
/// the page (post, redirect, get). The form is read (<see cref="ConsoleForm"/>) after authorization and the access
/// layer's antiforgery check; the desk logs the rollback with who did it and how they signed in, and sends the policy to the site's nodes.
/// </summary>
internal static class PolicyForms
{
    public static RouteHandlerBuilder MapPolicyForms(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/policies/{site}/rollback", RollbackAsync);

    private static async Task<IResult> RollbackAsync(string site, HttpContext context, PolicyDesk desk)
    {
        var by = HubActor.From(context.User);
        var (form, comment, problem) = await ConsoleForm.ReadAsync(context, "roll back").ConfigureAwait(false);
        if (form is null)
            return Back(site, false, problem!);
        if (!long.TryParse(form["version"], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            return Back(site, false, $"'{form["version"]}' is not a stored version number");
        if (string.IsNullOrWhiteSpace(comment))
            return Back(site, false, "say why in the comment: it stays in the activation history");
        return desk.Rollback(site, version, by, comment) is { } active
            ? Back(site, true, $"Version {active.Activation.Version} of site {site} is active again (activation {active.Activation.Activation}); the site's nodes receive it now.")
            : Back(site, false, $"site {site} holds no version {version}");
    }

    private static IResult Back(string site, bool ok, string message) =>
        ConsoleUser.Back($"/policies?site={Uri.EscapeDataString(site)}", ok, message);
}
