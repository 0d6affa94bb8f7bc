using System.Text;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Identity;

namespace Mesh.Protocol.Tests.Audit;

public class AuditCheckpointTests
{
    [Fact]
    public void SignedBytes_SmallInputs_AreTheDocumentedLayout()
    {
        var bytes = AuditCheckpoint.SignedBytes("n", "s", 258, [0xAB, 0xCD], 0x0102);

        var expected = new List<byte> { 0, (byte)AuditCheckpoint.Domain.Length };
        expected.AddRange(Encoding.UTF8.GetBytes(AuditCheckpoint.Domain));
        expected.AddRange([0, 1, (byte)'n', 0, 1, (byte)'s']);
        expected.AddRange([0, 0, 0, 0, 0, 0, 1, 2]);
        expected.AddRange([0, 2, 0xAB, 0xCD]);
        expected.AddRange([0, 0, 0, 0, 0, 0, 1, 2]);
        bytes.ShouldBe(expected.ToArray());
    }

    [Fact]
    public void SignedBytes_EachFieldChanged_DiffersFromTheOriginal()
    {
        byte[] hash = [1, 2, 3];
        var original = AuditCheckpoint.SignedBytes("node", "site", 10, hash, 1000);

        AuditCheckpoint.SignedBytes("nodf", "site", 10, hash, 1000).ShouldNotBe(original);
        AuditCheckpoint.SignedBytes("node", "sitf", 10, hash, 1000).ShouldNotBe(original);
        AuditCheckpoint.SignedBytes("node", "site", 11, hash, 1000).ShouldNotBe(original);
        AuditCheckpoint.SignedBytes("node", "site", 10, [1, 2, 4], 1000).ShouldNotBe(original);
        AuditCheckpoint.SignedBytes("node", "site", 10, hash, 1001).ShouldNotBe(original);
        // Length prefixes keep field boundaries: moving a character from node to site is another message.
        AuditCheckpoint.SignedBytes("nod", "esite", 10, hash, 1000).ShouldNotBe(original);
    }

    [Fact]
    public void CreateRecord_Head_CoversItAndCarriesTheKey()
    {
        using var chain = new SignedChain();
        var head = new ChainHead(7, Enumerable.Repeat((byte)9, 32).ToArray());

        var record = chain.CheckpointAfter(head);
        var body = AuditCheckpoint.Read(record, out var problem);

        problem.ShouldBeNull();
        record.Kind.ShouldBe(AuditKind.Checkpoint);
        record.Sequence.ShouldBe(8);
        record.MessageKey.ShouldBe("checkpoint#7");
        record.PreviousHash.ToArray().ShouldBe(head.Hash.ToArray());
        body!.Covers.ShouldBe(7);
        body.Hash.ShouldBe(Convert.ToHexStringLower(head.Hash.Span));
        body.Fingerprint.ShouldBe(chain.Fingerprint);
        body.EveryRecords.ShouldBe(10);
        NodePublicKey.Verify(Convert.FromBase64String(body.Key),
            AuditCheckpoint.SignedBytes(record.NodeId, record.Site, 7, head.Hash.Span, record.Hlc.WallMillis),
            Convert.FromBase64String(body.Signature)).ShouldBeTrue();
    }

    [Fact]
    public void Check_GoodCheckpoint_VerifiesWithAndWithoutTheExpectedKey()
    {
        using var chain = new SignedChain();
        var record = chain.CheckpointAfter(new ChainHead(3, new byte[32])).Seal();

        CheckpointVerifier.Check(record, null).Ok.ShouldBeTrue();
        var check = CheckpointVerifier.Check(record, chain.Fingerprint.ToUpperInvariant());
        check.Ok.ShouldBeTrue(check.Reason);
        check.Fingerprint.ShouldBe(chain.Fingerprint);
    }

    [Fact]
    public void Check_BodyHashEdited_ForgedRecordAtThatSeq()
    {
        using var chain = new SignedChain();
        var record = chain.CheckpointAfter(new ChainHead(3, new byte[32]));
        var other = Enumerable.Repeat((byte)1, 32).ToArray();
        var forged = (SignedChain.EditBody(record, b => b with { Hash = Convert.ToHexStringLower(other) }) with { PreviousHash = other }).Seal();

        var check = CheckpointVerifier.Check(forged, chain.Fingerprint);

        check.Problem.ShouldBe(ChainProblem.ForgedCheckpoint);
        check.Reason.ShouldStartWith("forged record at seq 4: ");
        check.Reason.ShouldContain("signature");
    }

    [Fact]
    public void Check_TruncatedSignature_ForgedRecord()
    {
        using var chain = new SignedChain();
        var record = chain.CheckpointAfter(new ChainHead(3, new byte[32]));
        var truncated = SignedChain.EditBody(record, b => b with { Signature = Convert.ToBase64String(Convert.FromBase64String(b.Signature)[..40]) });

        var check = CheckpointVerifier.Check(truncated, null);

        check.Problem.ShouldBe(ChainProblem.ForgedCheckpoint);
        check.Reason.ShouldContain("(40 bytes) does not verify");
    }

    [Fact]
    public void Check_KeySwappedForAnother_ForgedBecauseTheSignatureIsNotItsOwn()
    {
        using var chain = new SignedChain();
        using var other = new SignedChain();
        var record = chain.CheckpointAfter(new ChainHead(3, new byte[32]));
        var swapped = SignedChain.EditBody(record, b => b with { Key = Convert.ToBase64String(other.PublicKeyDer), Fingerprint = other.Fingerprint });

        var check = CheckpointVerifier.Check(swapped, other.Fingerprint);

        check.Problem.ShouldBe(ChainProblem.ForgedCheckpoint);
    }

    [Fact]
    public void Check_SignedByAnotherKey_ReplacedJournalNamingBothKeys()
    {
        using var node = new SignedChain();
        using var intruder = new SignedChain();
        var record = intruder.CheckpointAfter(new ChainHead(3, new byte[32])).Seal();

        var check = CheckpointVerifier.Check(record, node.Fingerprint, "--key node.pub");

        check.Problem.ShouldBe(ChainProblem.ReplacedJournal);
        check.Reason.ShouldBe($"replaced journal: checkpoints signed by key {intruder.Fingerprint[..16]}, expected {node.Fingerprint[..16]} (--key node.pub); first at seq 4");
    }

    [Fact]
    public void Check_UnreadableBody_ForgedRecord()
    {
        using var chain = new SignedChain();
        var record = chain.CheckpointAfter(new ChainHead(3, new byte[32]));

        var check = CheckpointVerifier.Check(record with { Body = "{\"covers\":3}" }, null);

        check.Problem.ShouldBe(ChainProblem.ForgedCheckpoint);
        check.Reason.ShouldStartWith("forged record at seq 4: the body lacks");
    }
}
