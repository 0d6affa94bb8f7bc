using System.Globalization;
using System.Xml;
using Mesh.Node.Decisions;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Audit;

/// <summary>Bodies of the approval records. The hub indexes them: the field names are a contract (see mesh.proto's ApprovalDecision).</summary>
public static class ApprovalBodies
{
    public static string Requested(PendingApproval a) => AuditDrafts.Json(w =>
    {
        w.WriteString("approvalId", a.Id);
        w.WriteString("rule", a.Rule);
        w.WriteString("action", a.Action);
        w.WriteString("role", a.Role);
        w.WriteNumber("seq", a.Seq);
        w.WriteString("readingTs", Iso(a.ReadingTsMs));
        w.WriteString("deadline", Iso(a.DeadlineMs));
        w.WriteString("maxAge", XmlConvert.ToString(TimeSpan.FromMilliseconds(a.MaxAgeMs)));
        w.WriteString("onTimeout", PolicyNames.Of(a.OnTimeout));
        w.WriteString("offline", PolicyNames.Of(a.Offline));
        w.WriteString("reason", a.Reason);
    });

    public static string Resolved(string approvalId, string outcome, string by, string comment, long decidedAtMs, bool executed) => AuditDrafts.Json(w =>
    {
        w.WriteString("approvalId", approvalId);
        w.WriteString("outcome", outcome);
        w.WriteString("by", by);
        w.WriteString("comment", comment);
        w.WriteString("decidedAt", Iso(decidedAtMs));
        w.WriteBoolean("executed", executed);
    });

    public static string Late(string approvalId, bool approved, string by, string comment, long decidedAtMs, string settledAs) => AuditDrafts.Json(w =>
    {
        w.WriteString("approvalId", approvalId);
        w.WriteBoolean("approved", approved);
        w.WriteString("by", by);
        w.WriteString("comment", comment);
        w.WriteString("decidedAt", Iso(decidedAtMs));
        w.WriteString("settledAs", settledAs);
    });

    public static string Iso(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
