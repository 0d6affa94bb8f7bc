using System.Globalization;
using System.Text.Json;
using Mesh.Hub.Access;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Api;

/// <summary><c>GET /api/hub-actions</c>: the log of operator actions (policy pushes and rollbacks, approval
/// decisions, logins and logouts), oldest first. The actor is the authenticated user or token
/// (or, for a failed login, the name as typed); <c>detail.via</c> says how they authenticated.</summary>
public static class HubActionApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapHubActionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/hub-actions", (string? after, string? limit, HubStore store) =>
        {
            if (!TryParse(after, long.MaxValue, 0, out var afterSeq) || afterSeq < 0)
                return Results.BadRequest(new ApiError($"after must be a sequence number from 0 to {long.MaxValue}, got '{after}'"));
            if (!TryParse(limit, MaxLimit, DefaultLimit, out var count) || count < 1)
                return Results.BadRequest(new ApiError($"limit must be a number from 1 to {MaxLimit}, got '{limit}'"));
            var stored = store.ReadHubActions(afterSeq, (int)count + 1);
            var actions = stored.Take((int)count).Select(HubActionView.From).ToList();
            return Results.Ok(new HubActionPage(actions, actions.Count == 0 ? afterSeq : actions[^1].Seq, stored.Count > count));
        }).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }

    private static bool TryParse(string? text, long max, long fallback, out long value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max;
    }
}

/// <summary>A page of the action log; page on with <c>after = nextAfter</c> while <see cref="HasMore"/>.</summary>
public sealed record HubActionPage(IReadOnlyList<HubActionView> Actions, long NextAfter, bool HasMore);

/// <param name="Action"><c>policy.push</c>, <c>policy.rollback</c>, <c>approval.approve</c>, <c>approval.deny</c>, or an
/// access event: <c>login.success</c>, <c>login.failure</c>, <c>login.lockout</c>, <c>login.locked</c>, <c>logout</c>.</param>
/// <param name="Target">The site (policy actions), the approval id or the login name.</param>
public sealed record HubActionView(long Seq, string At, string Actor, string Action, string Target, JsonElement Detail)
{
    public static HubActionView From(StoredHubAction a)
    {
        using var detail = JsonDocument.Parse(a.Detail);
        return new(a.Seq, ApiTime.Format(a.AtMs), a.Actor, a.Action, a.Target, detail.RootElement.Clone());
    }
}
