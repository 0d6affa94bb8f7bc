using Mesh.Node.Audit;
using Mesh.Node.Control;
using Mesh.Node.Ingest;
using Mesh.Node.Policy;

namespace Mesh.Node.Agents;

/// <summary>What every device agent of a node shares.</summary>
public sealed record AgentSettings(
    PolicyHost Policies,
    string Profile,
    int RedeliveryWindow,
    int SnapshotEvery,
    TimeProvider Time,
    HubLink Hub,
    CommandSender Commands,
    JournalLookup Lookup,
    NodeStats Stats)
{
    /// <summary>Runs the models that rules read; null: no inference on this node (model outputs are unknown).</summary>
    public Inference.IReadingInference? Inference { get; init; }

    /// <summary>Set when the node is a member of a multi-node site: where agents replicate their state, and the
    /// node's clock (a new owner observes the replica's stamp, so its own writes order after it). Null: standalone.</summary>
    public SiteReplication? Site { get; init; }

    /// <summary>The site's shared state: the commands this node's agents send and the alarms they open are written
    /// there once their records are durable (conflicts between nodes are found in it). Null: not shared.</summary>
    public SiteState.SiteStateStore? Shared { get; init; }
}

/// <summary>What a device agent of a site member needs to replicate its state.</summary>
public sealed record SiteReplication(Cluster.IDeviceReplicas Replicas, Mesh.Protocol.Time.HybridLogicalClock Clock);
