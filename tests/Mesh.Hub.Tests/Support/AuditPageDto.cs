namespace Mesh.Hub.Tests.Support;

/// <summary>The JSON of <c>GET /api/nodes/{id}/audit</c> as a client outside the hub would read it.</summary>
internal sealed record AuditPageDto(string NodeId, string Site, long LastSeq, List<AuditRecordDto> Records, long NextAfter, bool HasMore);

internal sealed record AuditRecordDto(
    long Seq, string Kind, string Hlc, long HlcWall, int HlcCounter, string Site, string Device, string MessageKey,
    string Rule, string Decision, string Outcome, string Body, RouteDto Route, string PrevHash, string Hash, string Canonical);

internal sealed record RouteDto(string Target, string Profile, string Model, string ModelVersion, long LatencyMicros, long CostMicros, List<string> Reasons);
