namespace Mesh.Hub.Storage;

/// <summary>One stored audit record: its canonical bytes exactly as the node sent them, and their hash.</summary>
public sealed record StoredRecord(long Sequence, byte[] Hash, byte[] Canonical);
