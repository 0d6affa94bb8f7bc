using Mesh.Node.Audit;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Node.Tests.Audit;

public sealed class AuditJournalTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string JournalPath => Path.Combine(_dir.Path, AuditJournalStore.FileName);

    private AuditJournal Open(string node = "edge-1") =>
        new(JournalPath, node, "site-a", new HybridLogicalClock(node), new JournalOptions(), NullLogger<AuditJournal>.Instance);

    private static AuditDraft Draft(string key, AuditKind kind = AuditKind.Observation) =>
        new(kind, "dev-1", key, new byte[32], AuditRoute.None, "rules/x", "", "", "accepted", "{}");

    private List<AuditRecord> ReadAll()
    {
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadAfter(c, 0, 100_000)
            .Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash })
            .ToList();
    }

    [Fact]
    public async Task Append_ConcurrentAppends_FormOneGapFreeVerifiedChain()
    {
        await using (var journal = Open())
        {
            var appends = Enumerable.Range(1, 500).Select(i => journal.AppendAsync([Draft($"dev-1#{i}")])).ToArray();
            await Task.WhenAll(appends);
            journal.Head.ShouldBe(500);
        }

        var records = ReadAll();
        records.Count.ShouldBe(500);
        var verdict = ChainVerifier.Verify(records, nodeId: "edge-1");
        verdict.Ok.ShouldBeTrue(verdict.ToString());
        records.Select(r => r.Hlc).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task Append_SkipExisting_RecordsARedeliveredInputOnce()
    {
        await using var journal = Open();
        await journal.AppendAsync([Draft("dev-1#1"), Draft("dev-1#1", AuditKind.Decision)]);

        var again = await journal.AppendAsync([Draft("dev-1#1"), Draft("dev-1#1", AuditKind.Decision), Draft("dev-1#1", AuditKind.Action)], skipExisting: true);

        again.Appended.ShouldBe(1);
        again.Skipped.ShouldBe(2);
        again.Head.ShouldBe(3);
    }

    [Fact]
    public async Task Open_ExistingJournal_ContinuesTheChainAcrossRestarts()
    {
        await using (var journal = Open())
            await journal.AppendAsync([Draft("a"), Draft("b")]);
        await using (var journal = Open())
        {
            journal.Head.ShouldBe(2);
            (await journal.AppendAsync([Draft("c")])).Head.ShouldBe(3);
        }

        ChainVerifier.Verify(ReadAll(), nodeId: "edge-1").Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task Open_JournalOfAnotherNode_IsRefused()
    {
        await using (var journal = Open("edge-1"))
            await journal.AppendAsync([Draft("a")]);

        Should.Throw<InvalidOperationException>(() => Open("edge-2")).Message.ShouldContain("belongs to node 'edge-1'");
    }

    [Fact]
    public async Task WaitForHeadAbove_CompletesWhenARecordCommits()
    {
        await using var journal = Open();
        var wait = journal.WaitForHeadAboveAsync(0, CancellationToken.None);
        wait.IsCompleted.ShouldBeFalse();

        await journal.AppendAsync([Draft("a")]);

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _dir.Dispose();
}
