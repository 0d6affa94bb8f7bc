using Mesh.Protocol.Audit;

namespace Mesh.Protocol.Tests.Audit;

/// <summary>A chain walked as <c>mesh audit verify</c> and the hub's console walk it: <see cref="ChainVerifier"/> first, then
/// each accepted record through the <see cref="CheckpointTracker"/>.</summary>
public class CheckpointTrackerTests
{
    private static ChainVerdict Walk(IEnumerable<AuditRecord> records, CheckpointTracker tracker)
    {
        var head = ChainHead.Genesis;
        long verified = 0;
        foreach (var record in records)
        {
            var step = ChainVerifier.Step(head, record, TestRecords.Node);
            if (!step.Ok)
                return step with { Verified = verified };
            if (tracker.Observe(record, head, verified) is { } bad)
                return bad;
            head = step.Head;
            verified++;
        }
        return tracker.Finish(head, verified) ?? ChainVerdict.Good(head, verified);
    }

    [Fact]
    public void Walk_GoodSignedChain_VerifiesAndKnowsTheLastCheckpoint()
    {
        using var chain = new SignedChain();
        var records = chain.Build(45);
        var tracker = new CheckpointTracker(chain.Fingerprint);

        var verdict = Walk(records, tracker);

        verdict.Ok.ShouldBeTrue(verdict.ToString());
        tracker.Count.ShouldBe(4);
        tracker.Last!.Sequence.ShouldBe(44);
        tracker.Last.Covers.ShouldBe(43);
        tracker.UnsignedAfter(verdict.Head).ShouldBe(1);
    }

    [Fact]
    public void Walk_RecordEditedHashKept_ForgedRecordIsTheChainsHashMismatch()
    {
        using var chain = new SignedChain();
        var records = chain.Build(45);
        records[14] = records[14] with { Body = "{\"seq\":999}" };

        var verdict = Walk(records, new CheckpointTracker(chain.Fingerprint));

        verdict.Problem.ShouldBe(ChainProblem.HashMismatch);
        verdict.FirstBadSequence.ShouldBe(15);
    }

    [Fact]
    public void Walk_TailRewrittenAndRehashed_RewrittenTailAfterTheLastGoodCheckpoint()
    {
        using var chain = new SignedChain();
        var records = chain.Build(45);
        // Record 15 (after the checkpoint at 11) edited, and every hash after it recomputed.
        records[14] = records[14] with { Body = "{\"seq\":999}" };
        SignedChain.Rechain(records, 14);

        var verdict = Walk(records, new CheckpointTracker(chain.Fingerprint));

        verdict.Problem.ShouldBe(ChainProblem.RewrittenTail);
        verdict.FirstBadSequence.ShouldBe(22);
        verdict.Reason.ShouldStartWith("rewritten tail after checkpoint at seq 11: the checkpoint at seq 22 signed hash");
        verdict.Head.Sequence.ShouldBe(21);
    }

    [Fact]
    public void Walk_FirstCheckpointsCoverageBroken_RewrittenBeforeTheFirstCheckpoint()
    {
        using var chain = new SignedChain();
        var records = chain.Build(15);
        records[2] = records[2] with { Body = "{\"seq\":999}" };
        SignedChain.Rechain(records, 2);

        var verdict = Walk(records, new CheckpointTracker(null));

        verdict.Problem.ShouldBe(ChainProblem.RewrittenTail);
        verdict.Reason.ShouldStartWith("rewritten tail after checkpoint at seq 0 (before the first checkpoint)");
    }

    [Fact]
    public void Walk_WholeJournalSignedByAnotherKey_ReplacedJournal()
    {
        using var node = new SignedChain();
        using var intruder = new SignedChain();
        var records = intruder.Build(30);

        var verdict = Walk(records, new CheckpointTracker(node.Fingerprint, "the node's identity folder"));

        verdict.Problem.ShouldBe(ChainProblem.ReplacedJournal);
        verdict.FirstBadSequence.ShouldBe(11);
        verdict.Reason.ShouldContain($"checkpoints signed by key {intruder.Fingerprint[..16]}, expected {node.Fingerprint[..16]} (the node's identity folder)");
    }

    [Fact]
    public void Walk_KeyChangesMidChainWithoutExpectedKey_ReplacedJournalAgainstTheFirstKey()
    {
        using var node = new SignedChain();
        using var intruder = new SignedChain();
        var records = node.Build(21);
        var head = new ChainHead(records[^1].Sequence, records[^1].Hash);
        records.Add(intruder.CheckpointAfter(head).Seal());

        var verdict = Walk(records, new CheckpointTracker(null));

        verdict.Problem.ShouldBe(ChainProblem.ReplacedJournal);
        verdict.FirstBadSequence.ShouldBe(22);
        verdict.Reason.ShouldContain("the key of the first checkpoint, at seq 11");
    }

    [Fact]
    public void Finish_MoreUnsignedThanTheInterval_RewrittenTail()
    {
        using var chain = new SignedChain();
        var records = chain.Build(11);
        var head = new ChainHead(11, records[^1].Hash);
        for (var seq = 12; seq <= 21; seq++)
        {
            var record = TestRecords.Minimal(seq, head.Hash).Seal();
            records.Add(record);
            head = new ChainHead(seq, record.Hash);
        }

        var verdict = Walk(records, new CheckpointTracker(chain.Fingerprint));

        verdict.Problem.ShouldBe(ChainProblem.RewrittenTail);
        verdict.Reason.ShouldBe("rewritten tail after checkpoint at seq 11: 10 records follow it unsigned, but the node signs at least every 10");
    }

    [Fact]
    public void Finish_FewerUnsignedThanTheInterval_VerifiesWithAnUnsignedTail()
    {
        using var chain = new SignedChain();
        var records = chain.Build(20);
        var tracker = new CheckpointTracker(chain.Fingerprint);

        var verdict = Walk(records, tracker);

        verdict.Ok.ShouldBeTrue(verdict.ToString());
        tracker.UnsignedAfter(verdict.Head).ShouldBe(9);
    }
}
