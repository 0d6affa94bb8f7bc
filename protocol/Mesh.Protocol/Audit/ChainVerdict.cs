namespace Mesh.Protocol.Audit;

/// <summary>Why a chain does not verify.</summary>
public enum ChainProblem
{
    None = 0,

    /// <summary>A record's sequence is not the previous one + 1 (records are missing).</summary>
    Gap,

    /// <summary>A record's sequence repeats or goes backwards.</summary>
    OutOfOrder,

    /// <summary>A record's previous hash is not the hash of the record before it: another history.</summary>
    Fork,

    /// <summary>A record's stored hash does not match its content: it was altered.</summary>
    HashMismatch,

    /// <summary>A record names another node than the chain's owner.</summary>
    WrongNode,

    /// <summary>The canonical bytes could not be decoded.</summary>
    Malformed,

    /// <summary>A checkpoint record's signature does not verify (or its body is unreadable): the record was forged.</summary>
    ForgedCheckpoint,

    /// <summary>A genuine checkpoint signed another hash than the chain now has before it, or more records follow the
    /// last checkpoint than the node leaves unsigned: the records after the last good checkpoint were rewritten.</summary>
    RewrittenTail,

    /// <summary>Checkpoints are signed by another key than the node's: the journal was replaced.</summary>
    ReplacedJournal,
}

/// <summary>The outcome of verifying a chain (or one step of it).</summary>
/// <param name="Head">The last good head: everything up to it verified.</param>
/// <param name="Verified">How many records verified in this call.</param>
/// <param name="FirstBadSequence">The sequence of the first bad record (0 when it verified).</param>
public sealed record ChainVerdict(ChainProblem Problem, ChainHead Head, long Verified, long FirstBadSequence, string Reason)
{
    public bool Ok => Problem == ChainProblem.None;

    public static ChainVerdict Good(ChainHead head, long verified) => new(ChainProblem.None, head, verified, 0, "");

    public override string ToString() =>
        Ok ? $"verified {Verified} records up to sequence {Head.Sequence}"
           : $"{Problem} at sequence {FirstBadSequence}: {Reason}";
}
