using Mesh.Protocol.Identity;

namespace Mesh.Protocol.Audit;

/// <summary>What checking one checkpoint record found: <see cref="ChainProblem.None"/> with the signing key, or the
/// problem (<see cref="ChainProblem.ForgedCheckpoint"/>, <see cref="ChainProblem.ReplacedJournal"/>,
/// <see cref="ChainProblem.RewrittenTail"/>) and why.</summary>
public sealed record CheckpointCheck(ChainProblem Problem, string Reason, AuditCheckpoint? Body, byte[]? PublicKeyDer, string Fingerprint)
{
    public bool Ok => Problem == ChainProblem.None;
}

/// <summary>
/// Checks one <see cref="AuditKind.Checkpoint"/> record, in the order that names the tampering: a body or signature
/// that does not verify is a forged record; a good signature by another key than the node's is a replaced journal; a
/// good signature by the node's key over another hash than the chain has before it is a rewritten tail. The hub's
/// ingest, its console and <c>mesh audit verify</c> share this one check.
/// </summary>
public static class CheckpointVerifier
{
    /// <param name="expectedFingerprint">The node's key as the verifier knows it (hex SHA-256 of the DER key); null to
    /// accept any key whose signature verifies.</param>
    /// <param name="expectedFrom">Where the expected key came from, for the message (e.g. "the hub's pin").</param>
    public static CheckpointCheck Check(AuditRecord record, string? expectedFingerprint, string expectedFrom = "the expected key")
    {
        var seq = record.Sequence;
        var body = AuditCheckpoint.Read(record, out var problem);
        if (body is null)
            return Forged(seq, problem!);
        byte[] key, signature, covered;
        try
        {
            key = Convert.FromBase64String(body.Key);
            signature = Convert.FromBase64String(body.Signature);
            covered = Convert.FromHexString(body.Hash);
        }
        catch (FormatException ex)
        {
            return Forged(seq, $"the checkpoint's key, signature or hash is not readable: {ex.Message}");
        }
        var fingerprint = NodePublicKey.Fingerprint(key);
        if (!string.Equals(fingerprint, body.Fingerprint, StringComparison.OrdinalIgnoreCase))
            return Forged(seq, $"the checkpoint names key {Short(body.Fingerprint)} but carries key {Short(fingerprint)}");
        var signed = AuditCheckpoint.SignedBytes(record.NodeId, record.Site, body.Covers, covered, record.Hlc.WallMillis);
        if (!NodePublicKey.Verify(key, signed, signature))
            return Forged(seq, $"the checkpoint's signature ({signature.Length} bytes) does not verify with the key it carries ({Short(fingerprint)})");
        if (expectedFingerprint is not null && !string.Equals(fingerprint, expectedFingerprint, StringComparison.OrdinalIgnoreCase))
            return new(ChainProblem.ReplacedJournal,
                $"replaced journal: checkpoints signed by key {Short(fingerprint)}, expected {Short(expectedFingerprint)} ({expectedFrom}); first at seq {seq}",
                body, key, fingerprint);
        if (body.Covers != seq - 1 || !covered.AsSpan().SequenceEqual(record.PreviousHash.Span))
            return new(ChainProblem.RewrittenTail,
                $"the checkpoint at seq {seq} signed hash {ChainVerifier.Hex(covered)} for seq {body.Covers}, but the chain has {ChainVerifier.Hex(record.PreviousHash.Span)} at seq {seq - 1}",
                body, key, fingerprint);
        return new(ChainProblem.None, "", body, key, fingerprint);
    }

    /// <summary>A fingerprint as messages show it: its first 16 hex digits.</summary>
    public static string Short(string fingerprint) => fingerprint.Length <= 16 ? fingerprint : fingerprint[..16];

    private static CheckpointCheck Forged(long seq, string why) =>
        new(ChainProblem.ForgedCheckpoint, $"forged record at seq {seq}: {why}", null, null, "");
}
