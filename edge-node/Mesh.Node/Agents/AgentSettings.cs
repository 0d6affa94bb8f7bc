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
    NodeStats Stats);
