using Mesh.Hub.Storage;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Sync;

/// <summary>The outcome of verifying one batch against a node's stored head: either a refusal, or the
/// records to store (possibly none) with the head they lead to and how many were harmless resends.</summary>
public sealed record BatchVerdict(SyncRefusal? Refusal, IReadOnlyList<RecordToStore> NewRecords, ChainHead Head, int Resent)
{
    public bool Ok => Refusal is null;

    public static BatchVerdict Refused(SyncRefusal refusal, ChainHead head) => new(refusal, [], head, 0);
}
