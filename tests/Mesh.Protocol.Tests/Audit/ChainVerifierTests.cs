using Mesh.Protocol.Audit;

namespace Mesh.Protocol.Tests.Audit;

public class ChainVerifierTests
{
    private const int K = 40;

    private static ChainHead HeadOf(AuditRecord record) => new(record.Sequence, record.Hash);

    [Fact]
    public void Verify_GoodChainFromGenesis_VerifiesAll()
    {
        var chain = TestRecords.Chain(100);

        var verdict = ChainVerifier.Verify(chain, nodeId: TestRecords.Node);

        verdict.Ok.ShouldBeTrue(verdict.ToString());
        verdict.Problem.ShouldBe(ChainProblem.None);
        verdict.Verified.ShouldBe(100);
        verdict.FirstBadSequence.ShouldBe(0);
        verdict.Head.ShouldBe(HeadOf(chain[^1]));
        verdict.ToString().ShouldBe("verified 100 records up to sequence 100");
    }

    [Fact]
    public void Verify_Empty_IsGoodAtGenesis()
    {
        var verdict = ChainVerifier.Verify([]);

        verdict.Ok.ShouldBeTrue();
        verdict.Verified.ShouldBe(0);
        verdict.Head.ShouldBe(ChainHead.Genesis);
    }

    [Fact]
    public void Verify_BodyTamperedHashKept_HashMismatchAtThatSequence()
    {
        var chain = TestRecords.Chain(100);
        chain[K - 1] = chain[K - 1] with { Body = "{\"seq\":999}" };

        var verdict = ChainVerifier.Verify(chain);

        verdict.Problem.ShouldBe(ChainProblem.HashMismatch);
        verdict.FirstBadSequence.ShouldBe(K);
        verdict.Verified.ShouldBe(K - 1);
        verdict.Head.ShouldBe(HeadOf(chain[K - 2]));
        verdict.Reason.ShouldContain(ChainVerifier.Hex(chain[K - 1].Hash.Span));
        verdict.ToString().ShouldStartWith($"HashMismatch at sequence {K}: ");
    }

    [Fact]
    public void Verify_RecordTamperedAndResealed_ForkAtNextSequence()
    {
        var chain = TestRecords.Chain(100);
        var forged = (chain[K - 1] with { Body = "{\"seq\":999}" }).Seal();
        chain[K - 1] = forged;

        var verdict = ChainVerifier.Verify(chain);

        verdict.Problem.ShouldBe(ChainProblem.Fork);
        verdict.FirstBadSequence.ShouldBe(K + 1);
        verdict.Verified.ShouldBe(K);
        verdict.Head.ShouldBe(HeadOf(forged));
        verdict.Reason.ShouldContain($"of sequence {K}");
    }

    [Fact]
    public void Verify_RecordDropped_GapReportedAtTheRecordFoundInItsPlace()
    {
        var chain = TestRecords.Chain(100);
        chain.RemoveAt(K - 1);

        var verdict = ChainVerifier.Verify(chain);

        verdict.Problem.ShouldBe(ChainProblem.Gap);
        verdict.FirstBadSequence.ShouldBe(K + 1);
        verdict.Verified.ShouldBe(K - 1);
        verdict.Head.Sequence.ShouldBe(K - 1);
        verdict.Reason.ShouldContain($"expected sequence {K}, got {K + 1}");
        verdict.Reason.ShouldContain("1 record(s) missing");
    }

    [Fact]
    public void Verify_SeveralRecordsDropped_GapCountsThem()
    {
        var chain = TestRecords.Chain(100);
        chain.RemoveRange(K - 1, 5);

        var verdict = ChainVerifier.Verify(chain);

        verdict.Problem.ShouldBe(ChainProblem.Gap);
        verdict.FirstBadSequence.ShouldBe(K + 5);
        verdict.Reason.ShouldContain("5 record(s) missing");
    }

    [Fact]
    public void Verify_DuplicateRecord_OutOfOrder()
    {
        var chain = TestRecords.Chain(100);
        chain.Insert(K, chain[K - 1]);

        var verdict = ChainVerifier.Verify(chain);

        verdict.Problem.ShouldBe(ChainProblem.OutOfOrder);
        verdict.FirstBadSequence.ShouldBe(K);
        verdict.Verified.ShouldBe(K);
        verdict.Head.ShouldBe(HeadOf(chain[K - 1]));
        verdict.Reason.ShouldBe($"sequence {K} does not follow {K}");
    }

    [Fact]
    public void Verify_SequenceGoesBackwards_OutOfOrder()
    {
        var chain = TestRecords.Chain(10);
        var replayed = chain.Take(5).Append(chain[2]);

        var verdict = ChainVerifier.Verify(replayed);

        verdict.Problem.ShouldBe(ChainProblem.OutOfOrder);
        verdict.FirstBadSequence.ShouldBe(3);
        verdict.Verified.ShouldBe(5);
    }

    [Fact]
    public void Verify_RecordOfAnotherNodeWithNodeIdGiven_WrongNode()
    {
        var chain = TestRecords.Chain(100);
        // Correctly chained and sealed, so only the node id gives it away.
        chain[K - 1] = (chain[K - 1] with { NodeId = "node-2" }).Seal();
        for (var i = K; i < chain.Count; i++)
            chain[i] = (chain[i] with { PreviousHash = chain[i - 1].Hash }).Seal();

        var verdict = ChainVerifier.Verify(chain, nodeId: TestRecords.Node);

        verdict.Problem.ShouldBe(ChainProblem.WrongNode);
        verdict.FirstBadSequence.ShouldBe(K);
        verdict.Verified.ShouldBe(K - 1);
        verdict.Reason.ShouldContain("'node-2'");
        ChainVerifier.Verify(chain).Ok.ShouldBeTrue("without a node id any node is accepted");
    }

    [Fact]
    public void Verify_FromMidChainHead_VerifiesTheRest()
    {
        var chain = TestRecords.Chain(100);

        var verdict = ChainVerifier.Verify(chain.Skip(50), HeadOf(chain[49]), TestRecords.Node);

        verdict.Ok.ShouldBeTrue(verdict.ToString());
        verdict.Verified.ShouldBe(50);
        verdict.Head.ShouldBe(HeadOf(chain[99]));
    }

    [Fact]
    public void Verify_FromHeadWithWrongHash_ForkAtFirstRecord()
    {
        var chain = TestRecords.Chain(100);

        var verdict = ChainVerifier.Verify(chain.Skip(50), HeadOf(chain[48]) with { Sequence = 50 });

        verdict.Problem.ShouldBe(ChainProblem.Fork);
        verdict.FirstBadSequence.ShouldBe(51);
        verdict.Verified.ShouldBe(0);
    }

    [Fact]
    public void Verify_FirstRecordNotChainedToGenesis_Fork()
    {
        var chain = TestRecords.Chain(3);
        chain[0] = (chain[0] with { PreviousHash = Enumerable.Repeat((byte)1, 32).ToArray() }).Seal();

        var verdict = ChainVerifier.Verify(chain);

        verdict.Problem.ShouldBe(ChainProblem.Fork);
        verdict.FirstBadSequence.ShouldBe(1);
        verdict.Head.ShouldBe(ChainHead.Genesis);
    }

    [Fact]
    public void Verify_UnsealedRecord_HashMismatch()
    {
        var chain = TestRecords.Chain(3);
        chain[1] = chain[1] with { Hash = ReadOnlyMemory<byte>.Empty };

        var verdict = ChainVerifier.Verify(chain);

        verdict.Problem.ShouldBe(ChainProblem.HashMismatch);
        verdict.FirstBadSequence.ShouldBe(2);
        verdict.Reason.ShouldContain("(none)");
    }

    [Fact]
    public void Step_GoodRecord_AdvancesHeadByOne()
    {
        var chain = TestRecords.Chain(2);

        var verdict = ChainVerifier.Step(HeadOf(chain[0]), chain[1]);

        verdict.Ok.ShouldBeTrue();
        verdict.Verified.ShouldBe(1);
        verdict.Head.ShouldBe(HeadOf(chain[1]));
    }

    [Fact]
    public void StepHashChecked_GoodRecord_AdvancesHeadToItsHash()
    {
        var chain = TestRecords.Chain(2);

        var verdict = ChainVerifier.StepHashChecked(HeadOf(chain[0]), chain[1], TestRecords.Node);

        verdict.Ok.ShouldBeTrue(verdict.ToString());
        verdict.Head.Sequence.ShouldBe(2);
        verdict.Head.Hash.ToArray().ShouldBe(chain[1].Hash.ToArray());
    }

    [Fact]
    public void StepHashChecked_WrongLinkOrSequence_RefusedAsStepRefusesIt()
    {
        var chain = TestRecords.Chain(3);

        ChainVerifier.StepHashChecked(HeadOf(chain[0]), chain[2]).Problem.ShouldBe(ChainProblem.Gap);
        ChainVerifier.StepHashChecked(HeadOf(chain[1]), chain[1]).Problem.ShouldBe(ChainProblem.OutOfOrder);
        var otherLink = (chain[1] with { PreviousHash = chain[1].Hash }).Seal();
        ChainVerifier.StepHashChecked(HeadOf(chain[0]), otherLink).Problem.ShouldBe(ChainProblem.Fork);
        ChainVerifier.StepHashChecked(HeadOf(chain[0]), chain[1], "another-node").Problem.ShouldBe(ChainProblem.WrongNode);
    }

    [Fact]
    public void Verify_RecordsThatTravelledAsCanonicalBytes_StillVerify()
    {
        var chain = TestRecords.Chain(20);
        var received = chain.Select(r => AuditRecordCodec.Decode(AuditRecordCodec.Encode(r)) with { Hash = r.Hash });

        var verdict = ChainVerifier.Verify(received, nodeId: TestRecords.Node);

        verdict.Ok.ShouldBeTrue(verdict.ToString());
        verdict.Verified.ShouldBe(20);
    }

    [Fact]
    public void Hex_Hash_IsShortLowercasePrefix()
    {
        ChainVerifier.Hex(new byte[] { 0xAB, 0xCD, 1, 2, 3, 4, 5, 6, 7, 8 }).ShouldBe("abcd010203040506…");
        ChainVerifier.Hex(ReadOnlySpan<byte>.Empty).ShouldBe("(none)");
    }
}
