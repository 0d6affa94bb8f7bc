using Mesh.Hub.Api;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Approvals;

/// <summary>One approval in the JSON API.</summary>
/// <param name="Seq">The <c>seq</c> of the reading that caused the request.</param>
/// <param name="RequestedSeq">Sequence of the <c>ApprovalRequested</c> record in the node's audit trail.</param>
/// <param name="State"><c>pending</c>, <c>decided</c> or <c>resolved</c>.</param>
public sealed record ApprovalView(
    string Id, string NodeId, string Site, string Device, string Rule, string Action, string Role, long Seq,
    string ReadingTs, string Deadline, string MaxAge, string OnTimeout, string Offline, long RequestedSeq, string RequestedAt,
    string State, DecisionView? Decision, ResolutionView? Resolution)
{
    public static ApprovalView From(StoredApproval a) => new(
        a.Id, a.NodeId, a.Site, a.Device, a.Rule, a.Action, a.Role, a.ReadingSeq, a.ReadingTs, a.Deadline, a.MaxAge, a.OnTimeout, a.Offline,
        a.RequestedSeq, ApiTime.Format(a.RequestedAtMs), StateName(a.State),
        a.Decision is { } d ? new DecisionView(d.Approved, d.By, d.Comment, ApiTime.Format(d.AtMs), d.Late) : null,
        a.Resolution is { } r ? new ResolutionView(r.Outcome, r.By, r.Comment, r.At, r.Executed) : null);

    public static string StateName(ApprovalState state) => state switch
    {
        ApprovalState.Pending => "pending",
        ApprovalState.Decided => "decided",
        _ => "resolved",
    };
}

/// <param name="Late">The node had already settled the approval; the decision changed nothing there.</param>
public sealed record DecisionView(bool Approved, string By, string Comment, string At, bool Late);

/// <param name="Outcome"><c>granted</c>, <c>denied</c>, <c>timed-out-approved</c>, <c>timed-out-denied</c>,
/// <c>offline-denied</c>, <c>stale</c> or <c>locally-approved</c>.</param>
/// <param name="At">When it was decided, as the node wrote it.</param>
public sealed record ResolutionView(string Outcome, string By, string Comment, string At, bool Executed);

/// <summary>Body of <c>POST /api/approvals/{id}/approve</c> and <c>/deny</c>.</summary>
/// <param name="By">Ignored: the decider is the authenticated user. Still accepted so older clients keep working.</param>
public sealed record ApprovalDecisionRequest(string? By, string? Comment);
