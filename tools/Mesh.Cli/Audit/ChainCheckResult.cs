using Mesh.Protocol.Audit;

namespace Mesh.Cli.Audit;

/// <summary>The outcome of checking one node's audit chain from one source (the hub, or a journal file).</summary>
public sealed record ChainCheckResult
{
    /// <summary>The chain's owner (for a journal: the first record's node; empty when the journal is empty and no id was given).</summary>
    public required string NodeId { get; init; }

    /// <summary>Where the records came from, for messages: <c>hub http://…</c> or <c>journal /path/audit.db</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The chain itself: how far it verified and, if it broke, where and why.</summary>
    public required ChainVerdict Verdict { get; init; }

    /// <summary>A problem besides the chain's own: the source could not be read, or the hub's advertised head
    /// disagrees with the chain it serves. Null when there is none.</summary>
    public string? Error { get; init; }

    public bool Ok => Verdict.Ok && Error is null;

    /// <summary>N when the journal's records 1..N were pruned after the hub acknowledged them: the chain verified from
    /// there (record N's hash, kept at the boundary). 0 when it verified from genesis.</summary>
    public long PrunedThrough { get; init; }

    /// <summary>Node-level records a pruned journal kept below its boundary; each matched its own hash.</summary>
    public long KeptBelow { get; init; }

    /// <summary>The last signed checkpoint that verified; null when the chain has none.</summary>
    public SignedCheckpoint? LastCheckpoint { get; init; }

    /// <summary>Records after <see cref="LastCheckpoint"/> (all of them without one): the tail the node has not signed yet.</summary>
    public long Unsigned { get; init; }

    /// <summary>The key checkpoints were checked against; null when none was known.</summary>
    public ExpectedKey? Expected { get; init; }

    /// <summary>What verified but deserves a look: the unsigned open tail. Null when there is none.</summary>
    public string? Warning => Ok && Unsigned > 0
        ? $"unsigned tail: {Unsigned} record(s) after the last checkpoint"
            + (LastCheckpoint is { } last ? $" at seq {last.Sequence}" : " (the chain has no checkpoint)")
            + " (normal for the open tail of a running node or one that crashed; the node signs it at its next checkpoint)"
        : null;

    /// <summary>One line for a person: what verified, or what is wrong and where.</summary>
    public string Describe() => DescribeChain() + (Ok ? DescribeSignatures() : "");

    private string DescribeSignatures()
    {
        if (LastCheckpoint is not { } last)
            return "; no signed checkpoint";
        var key = Expected is null ? $"key {CheckpointVerifier.Short(last.Fingerprint)}, not checked against a known key of the node"
            : $"key {CheckpointVerifier.Short(last.Fingerprint)}, as expected by {Expected.Source}";
        return $"; checkpoints verify, the last at seq {last.Sequence} ({key})";
    }

    /// <summary>The tampering a chain problem means, for the message.</summary>
    private string Named() => Verdict.Problem switch
    {
        ChainProblem.HashMismatch => $"forged record at seq {Verdict.FirstBadSequence}: ",
        ChainProblem.Fork => $"forged record at seq {Verdict.FirstBadSequence - 1} or {Verdict.FirstBadSequence}: ",
        _ => "",
    };

    private string DescribeChain()
    {
        var name = NodeId.Length > 0 ? $"node {NodeId}" : Source;
        var head = Verdict.Head;
        if (Ok && PrunedThrough > 0)
            return $"{name}: records 1..{PrunedThrough} were pruned after the hub acknowledged them; verified {PrunedThrough + 1}..{head.Sequence} "
                + $"({Verdict.Verified} records) from the pruned boundary (head hash {ChainVerifier.Hex(head.Hash.Span)}); "
                + $"{KeptBelow} node-level record(s) kept below the boundary match their hashes";
        if (Ok)
            return $"{name}: verified {Verdict.Verified} records up to sequence {head.Sequence} (head hash {ChainVerifier.Hex(head.Hash.Span)})";
        var before = Verdict.Verified == 0 ? "" : $"; the {Verdict.Verified} records up to sequence {head.Sequence} verify";
        return Verdict.Ok
            ? $"{name}: FAILED: {Error}{before}"
            : Verdict.Problem is ChainProblem.ForgedCheckpoint or ChainProblem.RewrittenTail or ChainProblem.ReplacedJournal
                ? $"{name}: FAILED: {Verdict.Reason}{before}"
                : $"{name}: FAILED: {Named()}{Verdict.Problem} at sequence {Verdict.FirstBadSequence}: {Verdict.Reason}{before}";
    }
}
