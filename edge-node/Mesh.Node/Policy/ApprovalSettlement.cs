using System.Text.Json;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>
/// How a pending approval is settled. Pure: the caller supplies the time. A command whose reading is older
/// than the approval's <c>max_age</c> (by the node's clock) never runs, whoever approved it and however late.
/// Outcomes recorded: granted, denied, stale (approved too late to run), locally-approved, offline-denied,
/// timed-out-denied, timed-out-approved, timed-out-stale (the node was down past the deadline).
/// </summary>
public static class ApprovalSettlement
{
    /// <summary>How much later than its deadline a timeout may be handled and still run an approve-on-timeout
    /// action (timers fire late under load; a node that was down longer than this does not act on old readings).</summary>
    public static readonly TimeSpan TimeoutSlack = TimeSpan.FromSeconds(30);

    public static DeviceEvents.ApprovalSettled ByPerson(PendingApproval p, bool approved, bool local, string by, string comment, long nowMs)
    {
        if (!approved)
            return new(p.Id, p.Rule, p.Action, p.Seq, "denied", by, comment, nowMs, false);
        if (nowMs - p.ReadingTsMs > p.MaxAgeMs)
            return new(p.Id, p.Rule, p.Action, p.Seq, "stale", by, comment, nowMs, false);
        return new(p.Id, p.Rule, p.Action, p.Seq, local ? "locally-approved" : "granted", by, comment, nowMs, true);
    }

    public static DeviceEvents.ApprovalSettled ByTimeout(PendingApproval p, long nowMs)
    {
        var why = $"no decision by {Audit.ApprovalBodies.Iso(p.DeadlineMs)}; the policy's default applies";
        if (p.OnTimeout == ApprovalDefault.Deny)
            return new(p.Id, p.Rule, p.Action, p.Seq, "timed-out-denied", "policy", why, nowMs, false);
        // max_age binds a timeout's approval too (a max_age shorter than the timeout means the action never runs
        // by default); the slack only absorbs a late timer.
        var tooLate = nowMs - p.DeadlineMs > (long)TimeoutSlack.TotalMilliseconds
            || nowMs - p.ReadingTsMs > p.MaxAgeMs + (long)TimeoutSlack.TotalMilliseconds;
        return tooLate
            ? new(p.Id, p.Rule, p.Action, p.Seq, "timed-out-stale", "policy", why + ", but the reading is too old to act on", nowMs, false)
            : new(p.Id, p.Rule, p.Action, p.Seq, "timed-out-approved", "policy", why, nowMs, true);
    }

    public static DeviceEvents.ApprovalSettled Offline(PendingApproval p, long nowMs) =>
        new(p.Id, p.Rule, p.Action, p.Seq, "offline-denied", "policy", "the hub is unreachable and the policy denies offline", nowMs, false);

    /// <summary>Reads a recorded <c>ApprovalResolved</c> record back into the settlement of <paramref name="pending"/>
    /// (recovery and replay apply recorded settlements as inputs).</summary>
    public static DeviceEvents.ApprovalSettled FromRecord(AuditRecord record, PendingApproval pending)
    {
        using var body = JsonDocument.Parse(record.Body);
        var root = body.RootElement;
        var executed = root.TryGetProperty("executed", out var e) && e.ValueKind == JsonValueKind.True;
        var by = root.TryGetProperty("by", out var b) ? b.GetString() ?? "" : "";
        var comment = root.TryGetProperty("comment", out var c) ? c.GetString() ?? "" : "";
        return new(pending.Id, pending.Rule, pending.Action, pending.Seq, record.Outcome, by, comment, record.Hlc.WallMillis, executed);
    }

    /// <summary>Whether a decision arriving for an already settled approval repeats the decision that settled
    /// it (the hub resends until it sees the settlement) rather than coming too late.</summary>
    public static bool SettledByPerson(string outcome) => outcome is "granted" or "denied" or "stale";
}
