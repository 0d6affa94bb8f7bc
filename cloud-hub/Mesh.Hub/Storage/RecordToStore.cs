using Mesh.Protocol.Audit;

namespace Mesh.Hub.Storage;

/// <summary>A verified record on its way into the store: the decoded record (with its hash) and the exact
/// canonical bytes it was decoded from, which are what is stored and served.</summary>
public sealed record RecordToStore(AuditRecord Record, byte[] Canonical);
