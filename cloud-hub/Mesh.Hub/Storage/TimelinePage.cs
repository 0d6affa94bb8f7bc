using Mesh.Protocol.Audit;

namespace Mesh.Hub.Storage;

/// <summary>One page of the audit timeline, newest first, and the cursor of the next (older) page; null when this was
/// the last.</summary>
public sealed record TimelinePage(IReadOnlyList<TimelineRecord> Records, string? Next);

/// <summary>A record as the timeline lists it; <see cref="Canonical"/> is the record's exact encoding, for its body.</summary>
public sealed record TimelineRecord(string NodeId, string Site, long Seq, AuditKind Kind, string Device, long HlcWallMs, string MessageKey, byte[] Canonical);
