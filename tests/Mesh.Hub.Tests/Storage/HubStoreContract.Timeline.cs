using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Storage;

public abstract partial class HubStoreContract
{
    /// <summary>Two nodes of the test's site and one of another site; the nodes' HLC wall times overlap (each chain
    /// starts at the same wall), so ties across nodes are broken by node id.</summary>
    private List<AuditRecord> FillTimeline(HubStore store)
    {
        var all = new List<AuditRecord>();
        foreach (var (node, site, count) in new[] { (_node + "-a", _site, 10), (_node + "-b", _site, 7), (_node + "-c", _site + "-other", 5) })
        {
            var chain = new TestChain(node, site);
            for (var i = 1; i <= count; i++)
            {
                var kind = i % 3 == 0 ? AuditKind.Decision : AuditKind.Observation;
                chain.Append(kind, "{}", device: i % 2 == 0 ? $"{_node}-even" : $"{_node}-odd");
            }
            store.Append(node, site, HeadOf(chain, 0), ToStore(chain.Range(1, count)), count, DateTime.UtcNow);
            all.AddRange(chain.Range(1, count));
        }
        return all;
    }

    private static List<(string, long)> NewestFirst(IEnumerable<AuditRecord> records) =>
        [.. records.OrderByDescending(r => r.Hlc.WallMillis).ThenByDescending(r => r.NodeId, StringComparer.Ordinal)
            .ThenByDescending(r => r.Sequence).Select(r => (r.NodeId, r.Sequence))];

    private static List<(string, long)> ReadAll(HubStore store, TimelineFilter filter, int limit, out int pages)
    {
        var read = new List<(string, long)>();
        string? cursor = null;
        pages = 0;
        do
        {
            var page = store.ReadTimeline(filter, limit, cursor);
            pages++;
            page.Records.Count.ShouldBeLessThanOrEqualTo(limit);
            read.AddRange(page.Records.Select(r => (r.NodeId, r.Seq)));
            cursor = page.Next;
        }
        while (cursor is not null && pages < 100);
        return read;
    }

    [Fact]
    public void Timeline_SiteFilter_NewestFirstAcrossNodesPagedToTheEnd()
    {
        using var store = Open();
        var all = FillTimeline(store);

        var read = ReadAll(store, new TimelineFilter(Site: _site), 3, out var pages);

        read.ShouldBe(NewestFirst(all.Where(r => r.Site == _site)));
        pages.ShouldBe(6, "17 records in pages of 3");
        var first = store.ReadTimeline(new TimelineFilter(Site: _site), 1).Records.ShouldHaveSingleItem();
        (first.Site, first.Kind, first.HlcWallMs).ShouldBe((_site, AuditKind.Observation, TestChain.WallOf(10)));
        first.Canonical.ShouldBe(AuditRecordCodec.Encode(all.Single(r => r.NodeId == first.NodeId && r.Sequence == first.Seq)));
    }

    [Fact]
    public void Timeline_NodeDeviceKindAndTimeFilters_SelectExactlyTheirRecords()
    {
        using var store = Open();
        var all = FillTimeline(store);
        var node = _node + "-b";

        ReadAll(store, new TimelineFilter(NodeId: node), 2, out _).ShouldBe(NewestFirst(all.Where(r => r.NodeId == node)));
        ReadAll(store, new TimelineFilter(Device: $"{_node}-even"), 4, out _).ShouldBe(NewestFirst(all.Where(r => r.Device == $"{_node}-even")));
        ReadAll(store, new TimelineFilter(Site: _site, Kind: AuditKind.Decision), 2, out _)
            .ShouldBe(NewestFirst(all.Where(r => r.Site == _site && r.Kind == AuditKind.Decision)));
        ReadAll(store, new TimelineFilter(Device: $"{_node}-odd", FromWallMs: TestChain.WallOf(3), ToWallMs: TestChain.WallOf(7)), 2, out _)
            .ShouldBe(NewestFirst(all.Where(r => r.Device == $"{_node}-odd" && r.Hlc.WallMillis >= TestChain.WallOf(3) && r.Hlc.WallMillis < TestChain.WallOf(7))));
        ReadAll(store, new TimelineFilter(NodeId: node, Kind: AuditKind.Decision, ToWallMs: TestChain.WallOf(4)), 5, out _).ShouldBe([(node, 3L)]);
    }

    [Fact]
    public void Timeline_NothingMatches_EmptyPageWithoutCursor()
    {
        using var store = Open();
        FillTimeline(store);

        var page = store.ReadTimeline(new TimelineFilter(Site: _site, FromWallMs: TestChain.WallOf(11)), 10);
        (page.Records.Count, page.Next).ShouldBe((0, (string?)null));
        store.ReadTimeline(new TimelineFilter(NodeId: "no-such-node"), 10).Records.ShouldBeEmpty();
    }

    [Fact]
    public void Timeline_PageEndsExactlyAtTheLastRecord_NoFurtherCursor()
    {
        using var store = Open();
        FillTimeline(store);
        var filter = new TimelineFilter(NodeId: _node + "-c");

        var first = store.ReadTimeline(filter, 5);

        (first.Records.Count, first.Next).ShouldBe((5, (string?)null));
    }

    [Fact]
    public void Timeline_CursorOfAnotherFilterOrNotACursor_Refused()
    {
        using var store = Open();
        FillTimeline(store);
        var cursor = store.ReadTimeline(new TimelineFilter(Site: _site), 2).Next.ShouldNotBeNull();

        Should.Throw<ArgumentException>(() => store.ReadTimeline(new TimelineFilter(Site: _site + "-other"), 2, cursor))
            .Message.ShouldContain("other filters");
        Should.Throw<ArgumentException>(() => store.ReadTimeline(new TimelineFilter(Site: _site, Kind: AuditKind.Decision), 2, cursor));
        Should.Throw<ArgumentException>(() => store.ReadTimeline(new TimelineFilter(Site: _site), 2, "not a cursor!")).Message.ShouldContain("is not a timeline cursor");
        Should.Throw<ArgumentException>(() => store.ReadTimeline(new TimelineFilter(Site: _site), 2, "dDF8eA"));
        Should.Throw<ArgumentOutOfRangeException>(() => store.ReadTimeline(new TimelineFilter(), 0));
        Should.Throw<ArgumentOutOfRangeException>(() => store.ReadTimeline(new TimelineFilter(), HubStore.MaxTimelinePage + 1));
        store.ReadTimeline(new TimelineFilter(Site: _site), 2, cursor).Records.Count.ShouldBe(2);
    }
}
