namespace Mesh.Hub.Api;

/// <summary>
/// The answer of <c>GET /api/nodes/{id}/audit</c>: records with seq &gt; after, in order. Page on with
/// <c>after = nextAfter</c> while <see cref="HasMore"/>; <see cref="NextAfter"/> is the last returned
/// sequence, or the request's <c>after</c> when the page is empty.
/// </summary>
public sealed record AuditPage(string NodeId, string Site, long LastSeq, IReadOnlyList<AuditRecordView> Records, long NextAfter, bool HasMore);
