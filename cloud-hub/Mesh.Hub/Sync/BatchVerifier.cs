using Mesh.Hub.Storage;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Sync;

/// <summary>
/// Verifies a whole batch before anything of it is stored. Records at or below the stored head are
/// resends: identical ones are skipped (sync is at-least-once), a different one is a fork. The rest must
/// chain from the stored head. The first bad record, in batch order, decides the refusal. A checkpoint record must
/// carry a signature that verifies, over the hash the chain has before it, by the node's pinned key (or, before any key
/// is pinned, by the key of the batch's first checkpoint: trust on first use).
/// </summary>
public static class BatchVerifier
{
    /// <param name="storedHashes">Reads the stored hashes of sequences in [from, to]; called at most once.</param>
    public static BatchVerdict Verify(
        string nodeId,
        string site,
        ChainHead stored,
        IReadOnlyList<AuditRecordEnvelope> envelopes,
        Func<long, long, IReadOnlyDictionary<long, byte[]>> storedHashes,
        string? pinnedFingerprint = null)
    {
        var (decoded, malformed) = Decode(nodeId, stored, envelopes);
        var verdict = Verify(nodeId, site, stored, decoded, storedHashes, pinnedFingerprint);
        return verdict.Ok && malformed is not null ? BatchVerdict.Refused(malformed, stored) : verdict;
    }

    /// <summary>Verifies records decoded already (the NATS consumer decodes them to group and order the records of
    /// several messages).</summary>
    /// <param name="storedHashes">Reads the stored hashes of sequences in [from, to]; called at most once.</param>
    /// <param name="pinnedFingerprint">The fingerprint of the key the hub pinned for the node; null when none is pinned yet.</param>
    public static BatchVerdict Verify(
        string nodeId,
        string site,
        ChainHead stored,
        IReadOnlyList<ReceivedRecord> decoded,
        Func<long, long, IReadOnlyDictionary<long, byte[]>> storedHashes,
        string? pinnedFingerprint = null)
    {
        var resends = decoded.Where(d => d.Record.Sequence <= stored.Sequence).Select(d => d.Record.Sequence).ToList();
        var hashes = resends.Count == 0 ? new Dictionary<long, byte[]>() : storedHashes(resends.Min(), resends.Max());

        var head = stored;
        var fresh = new List<RecordToStore>();
        var resent = 0;
        long previous = 0;
        foreach (var (decodedRecord, canonical, envelopeHash) in decoded)
        {
            var record = decodedRecord with { Hash = envelopeHash };
            var refusal = CheckEnvelope(nodeId, site, record, canonical, previous);
            if (refusal is not null)
                return BatchVerdict.Refused(refusal, stored);
            previous = record.Sequence;

            if (record.Sequence <= stored.Sequence)
            {
                if (!hashes.TryGetValue(record.Sequence, out var storedHash))
                    throw new HubStorageException($"node {nodeId}: sequence {record.Sequence} is below the stored head {stored.Sequence} but not stored");
                if (!storedHash.AsSpan().SequenceEqual(envelopeHash))
                    return BatchVerdict.Refused(SyncRefusal.AtRecord(nodeId, SyncProblem.Fork, record.Sequence,
                        $"the hub already holds a different record at sequence {record.Sequence} (stored hash {ChainVerifier.Hex(storedHash)}, "
                        + $"received {ChainVerifier.Hex(envelopeHash)}): the node's journal is not the history it sent before"), stored);
                resent++;
                continue;
            }

            // CheckEnvelope hashed the canonical bytes and found the envelope's hash: the record need not be encoded
            // or hashed again.
            var step = ChainVerifier.StepHashChecked(head, record, nodeId);
            if (!step.Ok)
                return BatchVerdict.Refused(SyncRefusal.FromChain(nodeId, step), stored);
            if (record.Kind == AuditKind.Checkpoint && CheckCheckpoint(nodeId, record, ref pinnedFingerprint) is { } bad)
                return BatchVerdict.Refused(bad, stored);
            head = step.Head;
            fresh.Add(new RecordToStore(record, canonical));
        }
        return new BatchVerdict(null, fresh, head, resent);
    }

    /// <summary>A checkpoint's refusal, or null when it verifies; the first one of a node without a pinned key sets the
    /// key the batch's later checkpoints must carry.</summary>
    private static SyncRefusal? CheckCheckpoint(string nodeId, AuditRecord record, ref string? pinnedFingerprint)
    {
        var check = CheckpointVerifier.Check(record, pinnedFingerprint, "the key the hub pinned for this node");
        if (check.Ok)
        {
            pinnedFingerprint ??= check.Fingerprint;
            return null;
        }
        return check.Problem == ChainProblem.ReplacedJournal
            ? SyncRefusal.AtRecord(nodeId, SyncProblem.CheckpointKeyMismatch, record.Sequence,
                $"{check.Reason}; if the node was re-keyed on purpose, register its new key with the hub")
            : SyncRefusal.AtRecord(nodeId, SyncProblem.BadCheckpoint, record.Sequence, check.Reason);
    }

    /// <summary>Checks what needs no chain: the envelope hash, the owner, and order within the batch.</summary>
    private static SyncRefusal? CheckEnvelope(string nodeId, string site, AuditRecord record, byte[] canonical, long previous)
    {
        var computed = AuditRecordCodec.ComputeHash(canonical);
        if (!computed.AsSpan().SequenceEqual(record.Hash.Span))
            return SyncRefusal.AtRecord(nodeId, SyncProblem.HashMismatch, record.Sequence,
                $"envelope hash {ChainVerifier.Hex(record.Hash.Span)} but the canonical bytes hash to {ChainVerifier.Hex(computed)}: "
                + "the record was altered after it was sealed, or the envelope carries the wrong hash");
        if (record.NodeId != nodeId)
            return SyncRefusal.AtRecord(nodeId, SyncProblem.WrongNode, record.Sequence,
                $"record belongs to node '{record.NodeId}', but this stream said hello as '{nodeId}'; a node may only write its own audit stream");
        if (record.Site != site)
            return SyncRefusal.AtRecord(nodeId, SyncProblem.WrongSite, record.Sequence,
                $"record names site '{record.Site}', but this stream said hello for site '{site}'");
        if (previous != 0 && record.Sequence <= previous)
            return SyncRefusal.AtRecord(nodeId, SyncProblem.OutOfOrder, record.Sequence,
                $"sequence {record.Sequence} follows {previous} in the same batch; records must be sent in increasing order");
        return null;
    }

    /// <summary>Decodes envelopes up to the first one that does not decode; that one's refusal is kept for
    /// when everything before it verifies. Its sequence is unknown, so it is inferred from its position.</summary>
    private static (List<ReceivedRecord> Decoded, SyncRefusal? Malformed) Decode(
        string nodeId, ChainHead stored, IReadOnlyList<AuditRecordEnvelope> envelopes)
    {
        var decoded = new List<ReceivedRecord>(envelopes.Count);
        for (var i = 0; i < envelopes.Count; i++)
        {
            var canonical = envelopes[i].Canonical.ToByteArray();
            try
            {
                decoded.Add(new ReceivedRecord(AuditRecordCodec.Decode(canonical), canonical, envelopes[i].Hash.ToByteArray()));
            }
            catch (AuditFormatException ex)
            {
                var inferred = (i == 0 ? stored.Sequence : decoded[^1].Record.Sequence) + 1;
                return (decoded, SyncRefusal.AtRecord(nodeId, SyncProblem.Malformed, inferred,
                    $"record {i + 1} of {envelopes.Count} in the batch (sequence inferred from its position) does not decode: {ex.Message}"));
            }
        }
        return (decoded, null);
    }
}
