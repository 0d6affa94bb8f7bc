using Mesh.Hub.Access;
using Mesh.Hub.Approvals;
using Mesh.Hub.Storage;

namespace Mesh.Hub.AuditConsole.Approvals;

/// <summary>
/// The Approvals page's form posts: approve or deny with a comment, as the signed-in person, then back to the list
/// (post, redirect, get). The form carries the antiforgery token (checked by the access layer before this runs); the desk
/// records the decision, with who and how they signed in, in the hub's action log and relays it to the node.
/// </summary>
internal static class ApprovalForms
{
    public static RouteHandlerBuilder MapApprovalForms(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/approvals/{id}/decision", Decide);

    private static async Task<IResult> Decide(string id, HttpContext context, ApprovalDesk desk)
    {
        // Only an operator (or admin) reaches here: the endpoint requires the role.
        var by = HubActor.From(context.User);
        var (form, comment, problem) = await ConsoleForm.ReadAsync(context, "decide").ConfigureAwait(false);
        if (form is null)
            return Back(false, problem!);
        if (!bool.TryParse(form["approve"], out var approve))
            return Back(false, "the form must say approve=true or approve=false");
        var result = desk.Decide(id, approve, by, comment);
        return result.Status switch
        {
            ApprovalDecisionStatus.Decided => Back(true, $"{(approve ? "Approved" : "Denied")} {id}; the decision is on its way to node {result.Approval!.NodeId}."),
            ApprovalDecisionStatus.NotFound => Back(false, $"no approval {id}"),
            _ => Back(false, $"approval {id} was already decided by {result.Approval!.Decision!.By}"),
        };
    }

    private static IResult Back(bool ok, string message) => ConsoleUser.Back("/approvals", ok, message);
}
