using Mesh.Protocol.Audit;

namespace Mesh.Hub.Api;

/// <summary>The <c>route</c> object of an audit record in the JSON API.</summary>
public sealed record AuditRouteView(string Target, string Profile, string Model, string ModelVersion, long LatencyMicros, long CostMicros, IReadOnlyList<string> Reasons)
{
    public static AuditRouteView From(AuditRoute route) =>
        new(route.Target, route.Profile, route.Model, route.ModelVersion, route.LatencyMicros, route.CostMicros, route.Reasons);
}
