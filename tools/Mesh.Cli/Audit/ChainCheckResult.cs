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

    /// <summary>One line for a person: what verified, or what is wrong and where.</summary>
    public string Describe()
    {
        var name = NodeId.Length > 0 ? $"node {NodeId}" : Source;
        var head = Verdict.Head;
        if (Ok)
            return $"{name}: verified {Verdict.Verified} records up to sequence {head.Sequence} (head hash {ChainVerifier.Hex(head.Hash.Span)})";
        var before = Verdict.Verified == 0 ? "" : $"; the {Verdict.Verified} records up to sequence {head.Sequence} verify";
        return Verdict.Ok
            ? $"{name}: FAILED: {Error}{before}"
            : $"{name}: FAILED: {Verdict.Problem} at sequence {Verdict.FirstBadSequence}: {Verdict.Reason}{before}";
    }
}
