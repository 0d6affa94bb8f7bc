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

    /// <summary>One line for a person: what verified, or what is wrong and where.</summary>
    public string Describe()
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
            : $"{name}: FAILED: {Verdict.Problem} at sequence {Verdict.FirstBadSequence}: {Verdict.Reason}{before}";
    }
}
