using Mesh.Hub.Storage;
using Mesh.Protocol;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.AuditConsole.Timeline;

/// <summary>One line saying what a record is about, from its decoded fields.</summary>
public static class TimelineSummary
{
    private const int MaxBody = 120;

    public static string Of(TimelineRecord row)
    {
        AuditRecord r;
        try
        {
            r = AuditRecordCodec.Decode(row.Canonical);
        }
        catch (AuditFormatException ex)
        {
            return $"(does not decode: {ex.Message})";
        }
        var parts = new List<string>(4);
        if (r.Rule.Length > 0)
            parts.Add($"rule {r.Rule}");
        if (r.Decision.Length > 0)
            parts.Add(r.Decision);
        if (r.Outcome.Length > 0)
            parts.Add(r.Outcome);
        if (r.Route.Target.Length > 0)
            parts.Add($"on {r.Route.Target}");
        if (parts.Count == 0)
            parts.Add(r.Body.Length > MaxBody ? r.Body[..MaxBody] + "…" : r.Body);
        return string.Join(" · ", parts);
    }
}
