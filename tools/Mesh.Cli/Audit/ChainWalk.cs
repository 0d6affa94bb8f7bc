using Mesh.Protocol;
using Mesh.Protocol.Audit;

namespace Mesh.Cli.Audit;

/// <summary>
/// Verifies a chain one stored record at a time, from genesis (or from a pruned journal's boundary): decode the canonical
/// bytes, attach the stored hash, and let <see cref="ChainVerifier.Step(ChainHead, AuditRecord, ReadOnlySpan{byte}, string?)"/> judge it; each
/// signed checkpoint goes to a <see cref="CheckpointTracker"/> (against <paramref name="expected"/> when given). Stops at the first bad record.
/// </summary>
internal sealed class ChainWalk(string? nodeId, IProgress<ChainCheckProgress>? progress, Action<AuditRecord>? onVerified = null, ChainHead? start = null,
    ExpectedKey? expected = null)
{
    private ChainVerdict? _failure;

    public CheckpointTracker Checkpoints { get; } = new(expected?.Fingerprint, expected?.Source ?? "the expected key");

    /// <summary>The key checkpoints were checked against; null when none was known (the first checkpoint's key was taken).</summary>
    public ExpectedKey? Expected { get; } = expected;

    /// <summary>The chain's owner; taken from the first record when not given.</summary>
    public string? NodeId { get; private set; } = nodeId;

    public ChainHead Head { get; private set; } = start ?? ChainHead.Genesis;

    /// <summary>Where the walk started: 0 from genesis, N when records 1..N were pruned.</summary>
    public long StartedAfter { get; } = start?.Sequence ?? 0;

    public long Verified { get; private set; }

    /// <summary>Node-level records a pruned journal keeps below its boundary that matched their own hashes.</summary>
    public long KeptBelow { get; private set; }

    /// <summary>Checks a record a pruned journal kept below its boundary on its own (the chain around it is gone): it must
    /// decode, be filed under its own sequence, belong to the chain's node and match its stored hash.</summary>
    public bool CheckKept(long storedSeq, byte[] canonical, byte[] hash)
    {
        if (_failure is not null)
            return false;
        AuditRecord record;
        try
        {
            record = AuditRecordCodec.Decode(canonical);
        }
        catch (AuditFormatException ex)
        {
            return Fail(ChainProblem.Malformed, storedSeq, $"a record kept below the pruned boundary does not decode: {ex.Message}");
        }
        if (record.Sequence != storedSeq)
            return Fail(ChainProblem.Malformed, storedSeq, $"a record kept below the pruned boundary is stored as {storedSeq} but says {record.Sequence}");
        NodeId ??= record.NodeId;
        if (record.NodeId != NodeId)
            return Fail(ChainProblem.WrongNode, storedSeq, $"a record kept below the pruned boundary belongs to node '{record.NodeId}', not '{NodeId}'");
        if (!AuditRecordCodec.ComputeHash(canonical).AsSpan().SequenceEqual(hash))
            return Fail(ChainProblem.HashMismatch, storedSeq, "a record kept below the pruned boundary does not match its stored hash");
        if (Checkpoints.ObserveKept(record, Head) is { } bad)
        {
            _failure = bad;
            return false;
        }
        KeptBelow++;
        return true;
    }

    public bool Failed => _failure is not null;

    /// <summary>The failure, else a tail longer than the node leaves unsigned (<see cref="CheckpointTracker.Finish"/>), else good.</summary>
    public ChainVerdict Verdict => _failure ?? Checkpoints.Finish(Head, Verified) ?? ChainVerdict.Good(Head, Verified);

    /// <summary>Records after the last signed checkpoint (all of them without one).</summary>
    public long Unsigned => Checkpoints.UnsignedAfter(Head, StartedAfter);

    /// <summary>Checks the next stored record; false once the chain is broken.</summary>
    /// <param name="storedSeq">The sequence the source files the record under.</param>
    /// <param name="crossCheck">Compares what the source says about the record with the record itself;
    /// returns why they disagree, or null.</param>
    public bool Step(long storedSeq, byte[] canonical, byte[] hash, Func<AuditRecord, string?>? crossCheck = null)
    {
        if (_failure is not null)
            return false;
        AuditRecord record;
        try
        {
            record = AuditRecordCodec.Decode(canonical) with { Hash = hash };
        }
        catch (AuditFormatException ex)
        {
            return Fail(ChainProblem.Malformed, storedSeq, $"canonical bytes do not decode: {ex.Message}");
        }
        if (record.Sequence != storedSeq)
            return Fail(ChainProblem.Malformed, storedSeq, $"stored as sequence {storedSeq} but the record itself says {record.Sequence}");
        if (crossCheck?.Invoke(record) is { } disagreement)
            return Fail(ChainProblem.Malformed, storedSeq, disagreement);
        NodeId ??= record.NodeId;
        ChainVerdict step;
        try
        {
            step = ChainVerifier.Step(Head, record, canonical, NodeId);
        }
        catch (MeshProtocolException ex)
        {
            return Fail(ChainProblem.Malformed, storedSeq, ex.Message);
        }
        if (!step.Ok)
        {
            _failure = step with { Verified = Verified };
            return false;
        }
        if (Checkpoints.Observe(record, Head, Verified) is { } bad)
        {
            _failure = bad;
            return false;
        }
        Head = step.Head;
        Verified++;
        onVerified?.Invoke(record);
        if (Verified % AuditChainChecker.ProgressEvery == 0)
            progress?.Report(new ChainCheckProgress(NodeId, Verified, Head.Sequence));
        return true;
    }

    /// <summary>Fails the chain at <paramref name="sequence"/> for a reason found outside <see cref="ChainVerifier"/>.</summary>
    public bool Fail(ChainProblem problem, long sequence, string reason)
    {
        _failure ??= new ChainVerdict(problem, Head, Verified, sequence, reason);
        return false;
    }
}
