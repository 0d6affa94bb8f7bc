using Mesh.Protocol.Audit;

namespace Mesh.Hub.Sync;

/// <summary>A record as a node sent it, decoded but not yet verified: the record (its <see cref="AuditRecord.Hash"/>
/// still empty), the canonical bytes it was decoded from, and the hash the envelope or message claims for them.</summary>
public sealed record ReceivedRecord(AuditRecord Record, byte[] Canonical, byte[] Hash);
