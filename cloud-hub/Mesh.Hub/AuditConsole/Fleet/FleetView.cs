using Mesh.Hub.Storage;
using Mesh.Hub.Sync;

namespace Mesh.Hub.AuditConsole.Fleet;

/// <summary>What the Fleet page shows: every site with its nodes, each node's sync state and health.</summary>
public sealed record FleetView(IReadOnlyList<SiteRow> Sites, SyncStatus Sync, int PendingApprovals, DateTime AtUtc)
{
    /// <summary>A node is silent when the hub has heard nothing from it for this long.</summary>
    public static readonly TimeSpan SilentAfter = TimeSpan.FromMinutes(5);

    /// <summary>A node is lagging when it holds more records than this that the hub has not stored.</summary>
    public const long LaggingAbove = 1000;

    public int NodeCount => Sites.Sum(s => s.Nodes.Count);

    public long TotalLag => Sites.Sum(s => s.Nodes.Sum(n => n.Node.Lag));

    public static FleetView Read(HubStore store, SyncStatus sync, DateTime nowUtc)
    {
        var sites = store.Nodes.GroupBy(n => n.Site, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(site =>
        {
            var active = store.FindActivePolicy(site.Key)?.Activation;
            var reported = store.ReadNodePolicies(site.Key).ToDictionary(p => p.NodeId, StringComparer.Ordinal);
            var nodes = site.Select(n => new NodeRow(n, reported.GetValueOrDefault(n.NodeId), HealthOf(n, nowUtc))).ToList();
            return new SiteRow(site.Key, active?.Version, nodes);
        }).ToList();
        var pending = store.ReadApprovals(ApprovalState.Pending, null, null, 1000).Count;
        return new FleetView(sites, sync, pending, nowUtc);
    }

    public static NodeHealth HealthOf(StoredNode node, DateTime nowUtc) =>
        nowUtc - node.LastSeenUtc > SilentAfter ? NodeHealth.Silent
        : node.Lag > LaggingAbove ? NodeHealth.Lagging
        : NodeHealth.Healthy;
}

public sealed record SiteRow(string Site, long? ActivePolicyVersion, IReadOnlyList<NodeRow> Nodes);

/// <param name="Policy">What the node last reported running (null: nothing reported yet).</param>
public sealed record NodeRow(StoredNode Node, StoredNodePolicy? Policy, NodeHealth Health);

public enum NodeHealth
{
    Healthy,
    Lagging,
    Silent,
}
