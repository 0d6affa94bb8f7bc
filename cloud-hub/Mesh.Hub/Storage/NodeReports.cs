namespace Mesh.Hub.Storage;

/// <summary>
/// What the hub indexes from the audit records nodes sync: facts about approvals and policies, each from one
/// verified record. They are written in the transaction that stores the records, so the index never runs
/// ahead of or behind the journal copy.
/// </summary>
public static class NodeReports
{
    /// <param name="Sequence">The record's sequence in the node's journal.</param>
    /// <param name="AtMs">The record's HLC wall time (Unix ms).</param>
    public abstract record Report(string NodeId, string Site, long Sequence, long AtMs);

    public sealed record ApprovalRequested(
        string NodeId, string Site, long Sequence, long AtMs, string ApprovalId, string Device, string Rule, string Action, string Role,
        long ReadingSeq, string ReadingTs, string Deadline, string MaxAge, string OnTimeout, string Offline) : Report(NodeId, Site, Sequence, AtMs);

    public sealed record ApprovalResolved(string NodeId, string Site, long Sequence, long AtMs, string ApprovalId, NodeResolution Resolution)
        : Report(NodeId, Site, Sequence, AtMs);

    /// <summary>The node received a decision after it had settled the approval as <paramref name="SettledAs"/>.</summary>
    public sealed record ApprovalLate(string NodeId, string Site, long Sequence, long AtMs, string ApprovalId, bool Approved, string SettledAs)
        : Report(NodeId, Site, Sequence, AtMs);

    public sealed record PolicyActivated(string NodeId, string Site, long Sequence, long AtMs, long Version, string Sha256)
        : Report(NodeId, Site, Sequence, AtMs);

    public sealed record PolicyRejected(string NodeId, string Site, long Sequence, long AtMs, long Version, string Sha256, string Reason)
        : Report(NodeId, Site, Sequence, AtMs);

    /// <summary>A signed checkpoint that verified: the node's key is pinned by it when none is, and it is the node's
    /// last signed checkpoint.</summary>
    public sealed record CheckpointSigned(string NodeId, string Site, long Sequence, long AtMs, long Covers, byte[] PublicKeyDer, string Fingerprint)
        : Report(NodeId, Site, Sequence, AtMs);
}
