namespace Mesh.Hub.Storage;

/// <summary>
/// An approval a node requested, with the operator's decision and the node's resolution as far as the hub
/// knows them. The node settles every approval itself (granted, denied, timed out, …); the hub only relays
/// the decision and indexes what the node reported.
/// </summary>
/// <param name="ReadingSeq">The <c>seq</c> of the reading that caused the request, as the node wrote it.</param>
/// <param name="RequestedSeq">Sequence of the <c>ApprovalRequested</c> record in the node's journal.</param>
/// <param name="RequestedAtMs">HLC wall time (Unix ms) of that record.</param>
/// <param name="LateSeq">Sequence of the node's <c>ApprovalLate</c> record, once it arrived.</param>
/// <param name="ResolvedSeq">Sequence of the node's <c>ApprovalResolved</c> record, once it arrived.</param>
public sealed record StoredApproval(
    string Id, string NodeId, string Site, string Device, string Rule, string Action, string Role,
    long ReadingSeq, string ReadingTs, string Deadline, string MaxAge, string OnTimeout, string Offline,
    long RequestedSeq, long RequestedAtMs,
    OperatorDecision? Decision, long? LateSeq, NodeResolution? Resolution, long? ResolvedSeq)
{
    public ApprovalState State =>
        ResolvedSeq is not null ? ApprovalState.Resolved
        : Decision is not null ? ApprovalState.Decided
        : ApprovalState.Pending;

    /// <summary>
    /// Whether a new Watch of the node must carry the decision: the node has not yet recorded it. An
    /// <c>ApprovalResolved</c> ends that for a decision made before the resolution arrived (the node settled
    /// the approval, with or without it); a decision made after it is late, and only the node's
    /// <c>ApprovalLate</c> record ends it.
    /// </summary>
    /// <summary>The node whose journal holds <see cref="ResolvedSeq"/>: the requester, or after a takeover in a site's
    /// cluster the member that held the device when the approval was settled.</summary>
    public string? ResolvedBy { get; init; }

    /// <summary>The node whose journal holds <see cref="LateSeq"/>.</summary>
    public string? LateBy { get; init; }

    public bool AwaitsDelivery => Decision is not null && LateSeq is null && (ResolvedSeq is null || Decision.Late);
}

/// <summary>Which approvals a query selects.</summary>
public enum ApprovalState
{
    /// <summary>Requested; no operator decision; not resolved by the node.</summary>
    Pending,

    /// <summary>An operator decided; the node has not reported a resolution yet.</summary>
    Decided,

    /// <summary>The node reported a resolution.</summary>
    Resolved,
}

/// <summary>An operator's decision as the hub stored it before relaying it.</summary>
/// <param name="AtMs">Unix milliseconds (UTC), from the hub's clock.</param>
/// <param name="Late">The node had already settled the approval when the decision was made or arrived.</param>
public sealed record OperatorDecision(bool Approved, string By, string Comment, long AtMs, bool Late);

/// <summary>How the node settled an approval (<c>ApprovalResolved</c>).</summary>
/// <param name="Outcome"><c>granted</c>, <c>denied</c>, <c>timed-out-approved</c>, <c>timed-out-denied</c>,
/// <c>offline-denied</c>, <c>stale</c> or <c>locally-approved</c>.</param>
/// <param name="At">When the node says it was decided, as the node wrote it.</param>
public sealed record NodeResolution(string Outcome, string By, string Comment, string At, bool Executed);
