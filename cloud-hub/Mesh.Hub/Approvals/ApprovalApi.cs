using System.Globalization;
using Mesh.Hub.Access;
using Mesh.Hub.Api;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Approvals;

/// <summary>The JSON API over approvals: list them (viewer), approve or deny one (operator). The decider is the
/// authenticated user; a <c>by</c> in the body is ignored.</summary>
public static class ApprovalApi
{
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapApprovalApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/approvals", List).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet("/api/approvals/{id}", (string id, HubStore store) => store.FindApproval(id) is { } a
            ? Results.Ok(ApprovalView.From(a))
            : Results.NotFound(new ApiError($"no approval '{id}'"))).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapPost("/api/approvals/{id}/approve", (string id, HttpContext context, ApprovalDesk desk) => DecideAsync(id, approved: true, context, desk))
            .RequireAuthorization(AccessPolicies.Operator);
        endpoints.MapPost("/api/approvals/{id}/deny", (string id, HttpContext context, ApprovalDesk desk) => DecideAsync(id, approved: false, context, desk))
            .RequireAuthorization(AccessPolicies.Operator);
        return endpoints;
    }

    private static IResult List(string? state, string? site, string? node, string? limit, HubStore store)
    {
        if (!TryParseState(state ?? "pending", out var selected))
            return Results.BadRequest(new ApiError($"state must be pending, decided, resolved or all, got '{state}'"));
        var count = MaxLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
            return Results.BadRequest(new ApiError($"limit must be a number from 1 to {MaxLimit}, got '{limit}'"));
        var approvals = store.ReadApprovals(selected, Blank(site), Blank(node), count);
        return Results.Ok(approvals.Select(ApprovalView.From).ToList());
    }

    private static async Task<IResult> DecideAsync(string id, bool approved, HttpContext context, ApprovalDesk desk)
    {
        var (body, error) = await ApiRequest.ReadJsonAsync<ApprovalDecisionRequest>(context, ApiRequest.SmallBodyBytes).ConfigureAwait(false);
        if (error is not null)
            return error;
        if (ApiRequest.CheckComment(body!.Comment) is { } problem)
            return Results.BadRequest(new ApiError(problem));
        var result = desk.Decide(id, approved, HubActor.From(context.User), body.Comment ?? "");
        return result.Status switch
        {
            ApprovalDecisionStatus.Decided => Results.Ok(ApprovalView.From(result.Approval!)),
            ApprovalDecisionStatus.NotFound => Results.NotFound(new ApiError($"no approval '{id}': GET /api/approvals?state=all lists the known ones")),
            _ => Results.Conflict(new ApiError(AlreadyDecided(result.Approval!))),
        };
    }

    private static string AlreadyDecided(StoredApproval approval)
    {
        var d = approval.Decision!;
        return $"approval '{approval.Id}' was already {(d.Approved ? "approved" : "denied")} by {d.By} at {ApiTime.Format(d.AtMs)}; a decision cannot be changed";
    }

    private static bool TryParseState(string text, out ApprovalState? state)
    {
        state = text switch
        {
            "pending" => ApprovalState.Pending,
            "decided" => ApprovalState.Decided,
            "resolved" => ApprovalState.Resolved,
            _ => null,
        };
        return state is not null || text == "all";
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
