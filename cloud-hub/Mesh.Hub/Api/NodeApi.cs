using System.Globalization;
using Mesh.Hub.Access;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Api;

/// <summary>The read-only JSON API over nodes and their audit records.</summary>
public static class NodeApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapNodeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/nodes", (HubStore store) => store.Nodes.Select(n => NodeSummary.From(n, store.FindNodeKey(n.NodeId))).ToList()).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet("/api/nodes/{id}/audit", GetAudit).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }

    private static IResult GetAudit(string id, string? after, string? limit, HubStore store)
    {
        if (!TryParse(after, 0, long.MaxValue, 0, out var afterSeq))
            return Results.BadRequest(new ApiError($"after must be a sequence number from 0 to {long.MaxValue}, got '{after}'"));
        if (!TryParse(limit, 1, MaxLimit, DefaultLimit, out var count))
            return Results.BadRequest(new ApiError($"limit must be a number from 1 to {MaxLimit}, got '{limit}'"));
        var node = store.FindNode(id);
        if (node is null)
            return Results.NotFound(new ApiError($"unknown node '{id}': it has never synced with this hub"));

        var stored = store.ReadRecords(id, afterSeq, (int)count + 1);
        var records = stored.Take((int)count).Select(AuditRecordView.From).ToList();
        var nextAfter = records.Count == 0 ? afterSeq : records[^1].Seq;
        // Re-read the head after the records, so lastSeq is never below a record on the page.
        node = store.FindNode(id) ?? node;
        return Results.Ok(new AuditPage(node.NodeId, node.Site, node.LastSeq, records, nextAfter, stored.Count > count));
    }

    private static bool TryParse(string? text, long min, long max, long fallback, out long value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
