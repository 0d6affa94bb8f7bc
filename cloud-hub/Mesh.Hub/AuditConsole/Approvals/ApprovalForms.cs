using Mesh.Hub.Api;
using Mesh.Hub.Approvals;
using Mesh.Hub.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Mesh.Hub.AuditConsole.Approvals;

/// <summary>
/// The Approvals page's form posts: approve or deny with a comment, as the signed-in person, then back to the list
/// (post, redirect, get). The form carries an antiforgery token, which the framework checks for every form-bound
/// endpoint; the desk records the decision in the hub's action log and relays it to the node.
/// </summary>
internal static class ApprovalForms
{
    public static RouteHandlerBuilder MapApprovalForms(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/approvals/{id}/decision", Decide);

    private static IResult Decide(string id, [FromForm] bool approve, [FromForm] string? comment, HttpContext context, ApprovalDesk desk)
    {
        var by = context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : null;
        if (by is null)
            return Back("problem", "sign in to decide approvals");
        if (ApiRequest.CheckComment(comment) is { } problem)
            return Back("problem", problem);
        var result = desk.Decide(id, approve, by, comment ?? "");
        return result.Status switch
        {
            ApprovalDecisionStatus.Decided => Back("done", $"{(approve ? "Approved" : "Denied")} {id}; the decision is on its way to node {result.Approval!.NodeId}."),
            ApprovalDecisionStatus.NotFound => Back("problem", $"no approval {id}"),
            _ => Back("problem", $"approval {id} was already decided by {result.Approval!.Decision!.By}"),
        };
    }

    private static IResult Back(string key, string message) =>
        Results.Redirect($"/approvals?{key}={Uri.EscapeDataString(message)}");
}
