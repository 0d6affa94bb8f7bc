namespace Mesh.Protocol.Audit;

/// <summary>The tip of a verified chain: the last sequence and its hash. <see cref="Genesis"/> before the first record.</summary>
public readonly record struct ChainHead(long Sequence, ReadOnlyMemory<byte> Hash)
{
    public static ChainHead Genesis => new(0, AuditRecordCodec.GenesisHash);

    public bool Equals(ChainHead other) => Sequence == other.Sequence && Hash.Span.SequenceEqual(other.Hash.Span);

    public override int GetHashCode() => Sequence.GetHashCode();
}
