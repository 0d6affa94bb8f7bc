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
}
