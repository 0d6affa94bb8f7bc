using Mesh.Hub.Api;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Policies;

/// <summary>Assembles <c>GET /api/sites/{site}/policies</c>: what the hub holds and what each node reports.</summary>
public static class PolicyStatus
{
    public static PolicyStatusView Read(HubStore store, string site)
    {
        var active = store.FindActivePolicy(site)?.Activation;
        var versions = store.ReadPolicyVersions(site)
            .Select(v => new PolicyVersionView(v.Version, v.Sha256, ApiTime.Format(v.PushedAtMs), v.PushedBy, v.Version == active?.Version))
            .ToList();
        var activations = store.ReadActivations(site).Select(ActivationView.From).ToList();
        var reported = store.ReadNodePolicies(site).ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var nodeIds = store.Nodes.Where(n => n.Site == site).Select(n => n.NodeId)
            .Union(reported.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var nodes = nodeIds.Select(id => reported.TryGetValue(id, out var node) ? View(node) : new NodePolicyView(id, 0, "", null, null)).ToList();
        return new PolicyStatusView(site, active is null ? null : new ActiveView(active.Version, active.Sha256, active.Activation), versions, activations, nodes);
    }

    private static NodePolicyView View(StoredNodePolicy node) => new(
        node.NodeId, node.Version, node.Sha256, ApiTime.Format(node.AtMs),
        node.Rejected is { } r ? new RejectionView(r.Version, r.Reason, ApiTime.Format(r.AtMs)) : null);
}
