using Mesh.Hub.Access;
using Mesh.Hub.Sync;

namespace Mesh.Hub.Api;

/// <summary><c>GET /api/sync/status</c>: how many sync streams the hub serves, its limit, and how many it shed.</summary>
public static class SyncStatusApi
{
    public static IEndpointRouteBuilder MapSyncStatusApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/sync/status", (SyncAdmission admission) => admission.Status).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }
}
