using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>What every device agent of a node shares.</summary>
public sealed record AgentSettings(RuleSet Rules, string Profile, int RedeliveryWindow, int SnapshotEvery);
