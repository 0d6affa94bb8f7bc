namespace Mesh.Protocol.Audit;

/// <summary>The last checkpoint of a chain that verified: the checkpoint's own sequence, the signing key, its time.</summary>
public sealed record SignedCheckpoint(long Sequence, long Covers, string Fingerprint, long WallMillis, int EveryRecords);

/// <summary>
/// Follows the checkpoints of a chain being verified in order (after <see cref="ChainVerifier"/> accepted each record) and
/// names what it finds: a forged checkpoint, a rewritten tail after the last good checkpoint, a journal signed by another
/// key. Without an expected key, the first checkpoint's key is the one every later checkpoint must carry. At the end it
/// tells how many records follow the last checkpoint unsigned: a warning for the open tail, a rewritten tail when there
/// are more than the node ever leaves unsigned (its interval, as the last checkpoint states it).
/// </summary>
public sealed class CheckpointTracker(string? expectedFingerprint, string expectedFrom = "the expected key")
{
    private string? _fingerprint = expectedFingerprint;
    private string _from = expectedFrom;

    /// <summary>The last checkpoint that verified; null before the first.</summary>
    public SignedCheckpoint? Last { get; private set; }

    /// <summary>Checkpoints that verified.</summary>
    public long Count { get; private set; }

    /// <summary>Checks a record the chain accepted; a failure verdict (based on <paramref name="head"/>, the head before the
    /// record, and <paramref name="verified"/>) when it is a bad checkpoint, else null.</summary>
    public ChainVerdict? Observe(AuditRecord record, ChainHead head, long verified)
    {
        if (record.Kind != AuditKind.Checkpoint)
            return null;
        var check = CheckpointVerifier.Check(record, _fingerprint, _from);
        if (check.Problem == ChainProblem.RewrittenTail)
            return new ChainVerdict(ChainProblem.RewrittenTail, head, verified, record.Sequence, $"{RewrittenAfter()}: {check.Reason}");
        if (!check.Ok)
            return new ChainVerdict(check.Problem, head, verified, record.Sequence, check.Reason);
        Accept(record, check);
        return null;
    }

    /// <summary>Checks a checkpoint a pruned journal kept below its boundary (the chain around it is gone): signature and
    /// key only. A failure verdict, or null.</summary>
    public ChainVerdict? ObserveKept(AuditRecord record, ChainHead head)
    {
        if (record.Kind != AuditKind.Checkpoint)
            return null;
        var check = CheckpointVerifier.Check(record, _fingerprint, _from);
        if (check.Problem is ChainProblem.ForgedCheckpoint or ChainProblem.ReplacedJournal)
            return new ChainVerdict(check.Problem, head, 0, record.Sequence, check.Reason);
        Accept(record, check);
        return null;
    }

    /// <summary>Records after the last checkpoint up to <paramref name="head"/> (all of them from <paramref name="start"/>
    /// when there is none).</summary>
    public long UnsignedAfter(ChainHead head, long start = 0) => head.Sequence - (Last?.Sequence ?? start);

    /// <summary>At the end of the walk: a <see cref="ChainProblem.RewrittenTail"/> verdict when more records follow the
    /// last checkpoint than the node leaves unsigned, else null.</summary>
    public ChainVerdict? Finish(ChainHead head, long verified)
    {
        if (Last is not { EveryRecords: > 0 } last)
            return null;
        var unsigned = head.Sequence - last.Sequence;
        return unsigned < last.EveryRecords
            ? null
            : new ChainVerdict(ChainProblem.RewrittenTail, head, verified, last.Sequence + 1,
                $"{RewrittenAfter()}: {unsigned} records follow it unsigned, but the node signs at least every {last.EveryRecords}");
    }

    private string RewrittenAfter() =>
        Last is { } last ? $"rewritten tail after checkpoint at seq {last.Sequence}" : "rewritten tail after checkpoint at seq 0 (before the first checkpoint)";

    private void Accept(AuditRecord record, CheckpointCheck check)
    {
        if (_fingerprint is null)
        {
            _fingerprint = check.Fingerprint;
            _from = $"the key of the first checkpoint, at seq {record.Sequence}";
        }
        Last = new SignedCheckpoint(record.Sequence, check.Body!.Covers, check.Fingerprint, record.Hlc.WallMillis, check.Body.EveryRecords);
        Count++;
    }
}
