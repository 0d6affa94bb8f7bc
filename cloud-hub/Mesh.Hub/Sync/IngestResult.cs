using Mesh.Hub.Storage;

namespace Mesh.Hub.Sync;

/// <summary>What the ingest made of a hello or a batch: the node as now stored, or why it was refused.</summary>
public sealed record IngestResult(StoredNode? Node, SyncRefusal? Refusal)
{
    public static IngestResult Accepted(StoredNode node) => new(node, null);

    public static IngestResult Refused(SyncRefusal refusal) => new(null, refusal);
}
