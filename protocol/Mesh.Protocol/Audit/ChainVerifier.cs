namespace Mesh.Protocol.Audit;

/// <summary>
/// Verifies a node's hash chain, from genesis or from a trusted head. The node's journal, the hub's
/// ingest and <c>mesh audit verify</c> all use this one implementation.
/// </summary>
public static class ChainVerifier
{
    /// <summary>Checks one record against the head it must follow.</summary>
    /// <param name="nodeId">The chain's owner; null to accept any node id.</param>
    public static ChainVerdict Step(ChainHead head, AuditRecord record, string? nodeId = null) =>
        Step(head, record, AuditRecordCodec.Encode(record), nodeId);

    /// <summary>As <see cref="Step(ChainHead, AuditRecord, string?)"/> for a record decoded from
    /// <paramref name="canonical"/>: those bytes are hashed as they are. This is sound because a record has exactly
    /// one encoding (<see cref="AuditRecordCodec.Decode"/> refuses any other), and saves encoding it again.</summary>
    public static ChainVerdict Step(ChainHead head, AuditRecord record, ReadOnlySpan<byte> canonical, string? nodeId = null)
    {
        if (Order(head, record, nodeId) is { } bad)
            return bad;
        var computed = AuditRecordCodec.ComputeHash(canonical);
        if (!computed.AsSpan().SequenceEqual(record.Hash.Span))
            return Bad(ChainProblem.HashMismatch, head, record.Sequence, $"stored hash {Hex(record.Hash.Span)} but content hashes to {Hex(computed)}");
        return Link(head, record, computed);
    }

    /// <summary>As <see cref="Step(ChainHead, AuditRecord, ReadOnlySpan{byte}, string?)"/> for a record whose
    /// <see cref="AuditRecord.Hash"/> the caller has just checked against the SHA-256 of its canonical bytes (the hub
    /// checks every envelope's hash first): owner, order and link only, without hashing the record again.</summary>
    public static ChainVerdict StepHashChecked(ChainHead head, AuditRecord record, string? nodeId = null) =>
        Order(head, record, nodeId) ?? Link(head, record, record.Hash);

    private static ChainVerdict? Order(ChainHead head, AuditRecord record, string? nodeId)
    {
        if (nodeId is not null && record.NodeId != nodeId)
            return Bad(ChainProblem.WrongNode, head, record.Sequence, $"record belongs to node '{record.NodeId}', not '{nodeId}'");
        if (record.Sequence <= head.Sequence)
            return Bad(ChainProblem.OutOfOrder, head, record.Sequence, $"sequence {record.Sequence} does not follow {head.Sequence}");
        if (record.Sequence != head.Sequence + 1)
            return Bad(ChainProblem.Gap, head, record.Sequence, $"expected sequence {head.Sequence + 1}, got {record.Sequence}: {record.Sequence - head.Sequence - 1} record(s) missing");
        return null;
    }

    private static ChainVerdict Link(ChainHead head, AuditRecord record, ReadOnlyMemory<byte> hash) =>
        record.PreviousHash.Span.SequenceEqual(head.Hash.Span)
            ? ChainVerdict.Good(new ChainHead(record.Sequence, hash), 1)
            : Bad(ChainProblem.Fork, head, record.Sequence, $"previous hash {Hex(record.PreviousHash.Span)} is not the hash {Hex(head.Hash.Span)} of sequence {head.Sequence}");

    /// <summary>Verifies records in order from <paramref name="start"/>; stops at the first bad one.</summary>
    public static ChainVerdict Verify(IEnumerable<AuditRecord> records, ChainHead? start = null, string? nodeId = null)
    {
        var head = start ?? ChainHead.Genesis;
        long verified = 0;
        foreach (var record in records)
        {
            var step = Step(head, record, nodeId);
            if (!step.Ok)
                return step with { Verified = verified };
            head = step.Head;
            verified++;
        }
        return ChainVerdict.Good(head, verified);
    }

    private static ChainVerdict Bad(ChainProblem problem, ChainHead head, long sequence, string reason) =>
        new(problem, head, 0, sequence, reason);

    /// <summary>Short hex prefix of a hash for messages people read.</summary>
    public static string Hex(ReadOnlySpan<byte> hash) =>
        hash.Length == 0 ? "(none)" : Convert.ToHexStringLower(hash[..Math.Min(8, hash.Length)]) + "…";
}
