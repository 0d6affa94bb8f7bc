namespace Mesh.Hub.Storage;

/// <summary>What a node's audit stream says about its policy: the one it last activated (version 0 and no
/// <see cref="AtMs"/> when it has reported none) and its last rejection since then, if any.</summary>
/// <param name="AtMs">HLC wall time (Unix ms) of the node's last <c>PolicyActivated</c> record.</param>
public sealed record StoredNodePolicy(string NodeId, string Site, long Version, string Sha256, long? AtMs, NodePolicyRejection? Rejected);

/// <summary>A policy the node refused. Version 0 / empty hash when the node could not tell which.</summary>
/// <param name="AtMs">HLC wall time (Unix ms) of the <c>PolicyRejected</c> record.</param>
public sealed record NodePolicyRejection(long Version, string Sha256, string Reason, long AtMs);
