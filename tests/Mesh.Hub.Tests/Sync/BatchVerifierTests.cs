using Google.Protobuf;
using Mesh.Hub.Sync;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Sync;

public sealed class BatchVerifierTests
{
    private static readonly IReadOnlyDictionary<long, byte[]> NoHashes = new Dictionary<long, byte[]>();

    [Fact]
    public void Verify_FromGenesis_ReturnsAllRecordsAndTheNewHead()
    {
        var chain = new TestChain();
        var records = chain.Next(3);

        var verdict = Verify(ChainHead.Genesis, records.Select(TestChain.Envelope));

        verdict.Ok.ShouldBeTrue();
        verdict.NewRecords.Select(r => r.Record.Sequence).ShouldBe([1L, 2, 3]);
        verdict.Head.ShouldBe(new ChainHead(3, chain[3].Hash));
        verdict.NewRecords[0].Canonical.ShouldBe(AuditRecordCodec.Encode(chain[1]));
    }

    [Fact]
    public void Verify_ResendsOfStoredRecords_SkippedWithOneHashRead()
    {
        var chain = new TestChain();
        chain.Next(5);
        var reads = new List<(long, long)>();

        var verdict = BatchVerifier.Verify(TestChain.Node, TestChain.Site, new ChainHead(3, chain[3].Hash),
            chain.Range(2, 5).Select(TestChain.Envelope).ToList(),
            (from, to) =>
            {
                reads.Add((from, to));
                return chain.Range(from, to).ToDictionary(r => r.Sequence, r => r.Hash.ToArray());
            });

        verdict.Ok.ShouldBeTrue();
        verdict.Resent.ShouldBe(2);
        verdict.NewRecords.Select(r => r.Record.Sequence).ShouldBe([4L, 5]);
        reads.ShouldBe([(2L, 3L)]);
    }

    [Fact]
    public void Verify_ChainErrorBeforeMalformedRecord_ReportsTheEarlierError()
    {
        var chain = new TestChain();
        chain.Next(3);
        var garbage = new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(9, 9), Hash = ByteString.Empty };

        var verdict = Verify(ChainHead.Genesis, [TestChain.Envelope(chain[1]), TestChain.Envelope(chain[3]), garbage]);

        verdict.Refusal.ShouldNotBeNull().Problem.ShouldBe(SyncProblem.Gap);
        verdict.Refusal.FirstBadSequence.ShouldBe(3);
        verdict.NewRecords.ShouldBeEmpty();
    }

    [Fact]
    public void Verify_MalformedAfterGoodRecords_InfersSequenceFromPosition()
    {
        var chain = new TestChain();
        chain.Next(2);
        var garbage = new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(1), Hash = ByteString.Empty };

        var verdict = Verify(ChainHead.Genesis, [TestChain.Envelope(chain[1]), TestChain.Envelope(chain[2]), garbage]);

        var refusal = verdict.Refusal.ShouldNotBeNull();
        refusal.Problem.ShouldBe(SyncProblem.Malformed);
        refusal.FirstBadSequence.ShouldBe(3);
        refusal.Message.ShouldContain("record 3 of 3");
        verdict.NewRecords.ShouldBeEmpty();
    }

    [Fact]
    public void Verify_EmptyBatch_OkWithHeadUnchanged()
    {
        var head = new ChainHead(7, new byte[32]);

        var verdict = Verify(head, []);

        verdict.Ok.ShouldBeTrue();
        verdict.Head.ShouldBe(head);
        verdict.NewRecords.ShouldBeEmpty();
    }

    [Fact]
    public void Verify_DecodedRecordsAsNatsDelivers_CheckpointByAnotherKeyThanThePinnedOneRefused()
    {
        using var pinned = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var chain = new TestChain();
        chain.Next(2);
        chain.AppendCheckpoint(other);
        var received = chain.Range(1, 3).Select(r => new ReceivedRecord(AuditRecordCodec.Decode(AuditRecordCodec.Encode(r)), AuditRecordCodec.Encode(r), r.Hash.ToArray())).ToList();
        var fingerprint = Mesh.Protocol.Identity.NodePublicKey.Fingerprint(pinned.ExportSubjectPublicKeyInfo());

        var refused = BatchVerifier.Verify(TestChain.Node, TestChain.Site, ChainHead.Genesis, received, (_, _) => NoHashes, fingerprint);
        var unpinned = BatchVerifier.Verify(TestChain.Node, TestChain.Site, ChainHead.Genesis, received, (_, _) => NoHashes);

        refused.Refusal.ShouldNotBeNull().Problem.ShouldBe(SyncProblem.CheckpointKeyMismatch);
        refused.Refusal.FirstBadSequence.ShouldBe(3);
        refused.NewRecords.ShouldBeEmpty();
        unpinned.Ok.ShouldBeTrue(unpinned.Refusal?.Message);
        unpinned.NewRecords.Count.ShouldBe(3);
    }

    private static BatchVerdict Verify(ChainHead head, IEnumerable<AuditRecordEnvelope> envelopes) =>
        BatchVerifier.Verify(TestChain.Node, TestChain.Site, head, envelopes.ToList(), (_, _) => NoHashes);
}
