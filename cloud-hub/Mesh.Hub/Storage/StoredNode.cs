using Mesh.Protocol.Audit;

namespace Mesh.Hub.Storage;

/// <summary>A node as the hub knows it: its durably stored chain head and what it last reported.</summary>
/// <param name="LastSeq">Highest contiguous sequence stored (0 = none).</param>
/// <param name="LastHash">Hash of the record at <paramref name="LastSeq"/>; empty when none.</param>
/// <param name="HeadSeq">The node's newest sequence as it last reported it.</param>
/// <param name="Profile">The hardware profile the node named in its last hello; empty when it never named one.</param>
/// <param name="Version">The node's software version from its last hello; empty when it never said.</param>
public sealed record StoredNode(string NodeId, string Site, long LastSeq, byte[] LastHash, long HeadSeq, DateTime LastSeenUtc, string Profile = "", string Version = "")
{
    /// <summary>The head new records must chain from.</summary>
    public ChainHead Head => LastSeq == 0 ? ChainHead.Genesis : new ChainHead(LastSeq, LastHash);

    public long Lag => Math.Max(0, HeadSeq - LastSeq);
}
