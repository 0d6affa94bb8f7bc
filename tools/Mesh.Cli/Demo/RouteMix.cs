using Mesh.Protocol.Audit;

namespace Mesh.Cli.Demo;

/// <summary>Where a node's model runs went, counted from its audit journal's Observation records: this node's own
/// providers (edge), a peer in the site, a cloud node, or the deterministic skill (degraded).</summary>
public sealed class RouteMix
{
    public long Edge { get; private set; }

    public long Peer { get; private set; }

    public long Cloud { get; private set; }

    public long Deterministic { get; private set; }

    public long Total => Edge + Peer + Cloud + Deterministic;

    public void Feed(AuditRecord record)
    {
        if (record.Kind != AuditKind.Observation || record.Route.Model.Length == 0)
            return;
        var target = record.Route.Target;
        if (target.StartsWith("local:", StringComparison.Ordinal))
            Edge++;
        else if (target.StartsWith("peer:", StringComparison.Ordinal))
            Peer++;
        else if (target.StartsWith("cloud:", StringComparison.Ordinal))
            Cloud++;
        else
            Deterministic++;
    }

    public override string ToString() => Total == 0 ? "no model runs" : $"{Edge:N0} / {Cloud + Peer:N0} / {Deterministic:N0}";
}
