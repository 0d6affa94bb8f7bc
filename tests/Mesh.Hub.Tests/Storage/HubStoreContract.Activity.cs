using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Storage;

public abstract partial class HubStoreContract
{
    [Fact]
    public void Activity_CountsEachSitesRecordsByKindPerBucketInsideTheRange()
    {
        using var store = Open();
        FillTimeline(store);
        // Node a: walls 1..10, node b: 1..7, both of _site; node c: 1..5 of the other site. Buckets of 4 ms from wall 1:
        // [1,5) [5,9) [9,11) with the range ending before wall 11; walls 1..10 all inside.
        var from = TestChain.WallOf(1);

        var counts = store.ReadActivity(from, TestChain.WallOf(11), 4).Where(c => c.Site.StartsWith(_site, StringComparison.Ordinal)).ToList();

        long Count(long bucket, string site, AuditKind kind) => counts.Where(c => c.Bucket == bucket && c.Site == site && c.Kind == kind).Sum(c => c.Count);
        // Decisions are every third record: a at 3, 6, 9; b at 3, 6; c at 3.
        Count(0, _site, AuditKind.Decision).ShouldBe(2);
        Count(0, _site, AuditKind.Observation).ShouldBe(6);
        Count(1, _site, AuditKind.Decision).ShouldBe(2);
        Count(1, _site, AuditKind.Observation).ShouldBe(5);
        Count(2, _site, AuditKind.Decision).ShouldBe(1);
        Count(2, _site, AuditKind.Observation).ShouldBe(1);
        Count(0, _site + "-other", AuditKind.Observation).ShouldBe(3);
        Count(1, _site + "-other", AuditKind.Observation).ShouldBe(1);
        counts.Sum(c => c.Count).ShouldBe(22);
        store.ReadActivity(TestChain.WallOf(11), TestChain.WallOf(20), 4).Where(c => c.Site.StartsWith(_site, StringComparison.Ordinal)).ShouldBeEmpty();
    }
}
