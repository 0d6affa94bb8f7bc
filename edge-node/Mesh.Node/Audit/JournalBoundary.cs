using Mesh.Protocol.Audit;

namespace Mesh.Node.Audit;

/// <summary>
/// Where a pruned journal starts: records 1..<see cref="Through"/> were pruned after the hub acknowledged them (all but
/// the node-level ones, kind 5 and up, which stay). <see cref="Hash"/> is record <see cref="Through"/>'s hash, so the
/// chain from <see cref="Through"/> + 1 on verifies against it. <see cref="None"/>: never pruned.
/// </summary>
/// <param name="PrunedRecords">How many records were deleted in all.</param>
public sealed record JournalBoundary(long Through, ReadOnlyMemory<byte> Hash, long PrunedRecords)
{
    public static readonly JournalBoundary None = new(0, AuditRecordCodec.GenesisHash, 0);

    public bool Pruned => Through > 0;

    /// <summary>The chain head a verifier starts from.</summary>
    public ChainHead Head => new(Through, Hash);

    /// <summary>For people: "records 1..N were pruned after the hub acknowledged them".</summary>
    public string Describe() => Pruned
        ? $"records 1..{Through} were pruned after the hub acknowledged them ({PrunedRecords} deleted; node-level records kept)"
        : "never pruned";
}
