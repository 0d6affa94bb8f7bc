namespace Mesh.Hub.Storage;

public enum ApprovalDecisionStatus
{
    /// <summary>Stored; relay it to the node.</summary>
    Decided,

    /// <summary>No approval with that id.</summary>
    NotFound,

    /// <summary>An operator had already decided it; nothing changed.</summary>
    AlreadyDecided,
}

/// <param name="Approval">The approval after the call; null when not found.</param>
public sealed record ApprovalDecisionResult(ApprovalDecisionStatus Status, StoredApproval? Approval);
