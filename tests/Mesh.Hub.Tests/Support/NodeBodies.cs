using System.Text.Json;

namespace Mesh.Hub.Tests.Support;

/// <summary>Bodies of the approval and policy audit records, written as a node writes them (compact camelCase JSON).</summary>
internal static class NodeBodies
{
    public static string ApprovalRequested(string id, string rule = "hot", string action = "cooling-on", long seq = 123) => JsonSerializer.Serialize(new
    {
        approvalId = id,
        rule,
        action,
        role = "operator",
        seq,
        readingTs = "2026-11-23T10:00:00.0000000Z",
        deadline = "2026-11-23T10:30:00.0000000Z",
        maxAge = "PT30M",
        onTimeout = "deny",
        offline = "defer",
    });

    public static string ApprovalResolved(string id, string outcome, string by = "", bool executed = false) => JsonSerializer.Serialize(new
    {
        approvalId = id,
        outcome,
        by,
        comment = "",
        decidedAt = "2026-11-23T10:30:00.0000000Z",
        executed,
    });

    public static string ApprovalLate(string id, bool approved, string by, string settledAs) => JsonSerializer.Serialize(new
    {
        approvalId = id,
        approved,
        by,
        comment = "",
        decidedAt = "2026-11-23T10:31:00.0000000Z",
        settledAs,
    });

    public static string PolicyActivated(string site, long version, string sha256, long activation = 1) => JsonSerializer.Serialize(new
    {
        site,
        version,
        sha256,
        source = $"hub:{activation}",
        activation,
        text = "…",
    });

    public static string PolicyRejected(string site, long version, string sha256) => JsonSerializer.Serialize(new
    {
        site,
        version,
        sha256,
        source = "hub",
        errors = new[] { "policies/x.yaml:3:10: expected an integer >= 1, found 0" },
    });
}
