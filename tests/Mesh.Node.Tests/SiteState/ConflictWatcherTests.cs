using Mesh.Node.Audit;
using Mesh.Node.Ingest;
using Mesh.Node.SiteState;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Tests.SiteState;

/// <summary>Two nodes' site-state replicas and conflict watchers, over real journals, exchanging entries by hand.</summary>
public sealed class ConflictWatcherTests : IAsyncDisposable
{
    private const string Site = TestPolicies.Site;
    private readonly TempDirectory _dir = new();
    private readonly Replica _a;
    private readonly Replica _b;

    public ConflictWatcherTests()
    {
        _a = new Replica("edge-a", _dir);
        _b = new Replica("edge-b", _dir);
    }

    [Fact]
    public async Task AnswerWrittenAfterSeeingTheOthers_BothSidesRecordTheConflictAndTheLoserSettles()
    {
        _a.Store.RecordCommand("fan-1", "fan-high", "boost", 10, readingSeq: 1);
        // edge-b sees edge-a's answer before it answers the same reading itself: still a conflict, found at the write.
        _b.Store.Merge(_a.Store.All());
        _b.Store.RecordCommand("fan-1", "fan-off", "quiet", 20, readingSeq: 1);
        await Poll.UntilAsync(() => _b.Conflict() is not null, TimeSpan.FromSeconds(10), "edge-b records the conflict it wrote into");
        _b.Conflict()!.Outcome.ShouldBe(ConflictRecord.Won);

        _a.Store.Merge(_b.Store.All());
        await Poll.UntilAsync(() => _a.Conflict() is not null, TimeSpan.FromSeconds(10), "edge-a records it when edge-b's answer arrives");
        _a.Conflict()!.Outcome.ShouldBe(ConflictRecord.Withdrawn);
        _a.Conflict()!.MessageKey.ShouldBe(_b.Conflict()!.MessageKey, "one conflict id on both sides");
        await Poll.UntilAsync(() => _a.Sent().Contains("fan-off"), TimeSpan.FromSeconds(10), "the loser sends the winner's command again");

        // The settlement collapses the register everywhere, and nothing is recorded twice.
        _b.Store.Merge(_a.Store.All());
        foreach (var r in new[] { _a, _b })
            ((CommandsEntry)r.Store.Get(SiteKeys.Commands("fan-1"))!).Commands.Values.ShouldHaveSingleItem().Value.Action.ShouldBe("fan-off");
        JournalConflicts(_b).ShouldBe(1);
        JournalConflicts(_a).ShouldBe(1);
    }

    [Fact]
    public async Task WinnerSeesOnlyTheSettlement_StillRecordsTheConflict()
    {
        _a.Store.RecordCommand("fan-1", "fan-high", "boost", 10, readingSeq: 1);
        var bAlone = new SiteStateStore("edge-b", new HybridLogicalClock("edge-b"));
        bAlone.RecordCommand("fan-1", "fan-off", "quiet", 20, readingSeq: 1);
        // edge-a gets edge-b's answer (through a third replica), loses and settles before edge-b hears of edge-a at all.
        _a.Store.Merge(bAlone.All());
        await Poll.UntilAsync(() => _a.Conflict() is not null, TimeSpan.FromSeconds(10), "edge-a resolves");

        _b.Store.Merge(bAlone.All().Where(e => e.Key != SiteKeys.Commands("fan-1")));
        _b.Store.Merge(_a.Store.All());
        await Poll.UntilAsync(() => _b.Conflict() is not null, TimeSpan.FromSeconds(10), "edge-b finds the conflict in the settled register");
        _b.Conflict()!.Outcome.ShouldBe(ConflictRecord.Won);
        _b.Conflict()!.MessageKey.ShouldBe(_a.Conflict()!.MessageKey);
    }

    [Fact]
    public async Task CommandForALaterReading_ReplacesWithoutConflict()
    {
        _a.Store.RecordCommand("fan-1", "fan-high", "boost", 10, readingSeq: 1);
        _b.Store.Merge(_a.Store.All());
        _b.Store.RecordCommand("fan-1", "fan-off", "quiet", 1, readingSeq: 2);
        _a.Store.Merge(_b.Store.All());
        ((CommandsEntry)_a.Store.Get(SiteKeys.Commands("fan-1"))!).Commands.Values.ShouldHaveSingleItem().Value.Action.ShouldBe("fan-off");
        // Both journals stay free of conflicts: wait on something that does happen (a no-op append) before looking.
        await _a.Journal.AppendAsync([]);
        await _b.Journal.AppendAsync([]);
        JournalConflicts(_a).ShouldBe(0);
        JournalConflicts(_b).ShouldBe(0);
    }

    private static int JournalConflicts(Replica r)
    {
        using var c = AuditJournalStore.OpenReader(r.Journal.Path);
        return AuditJournalStore.ReadAfter(c, 0, 1000).Select(x => AuditRecordCodec.Decode(x.Canonical)).Count(x => x.Kind == AuditKind.ConflictResolved);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _dir.Dispose();
    }

    private sealed class Replica : IAsyncDisposable
    {
        private readonly RecordingPublisher _published = new();
        private readonly ConflictWatcher _watcher;

        public Replica(string node, TempDirectory dir)
        {
            var logs = new LogSink();
            var folder = Path.Combine(dir.Path, node);
            Directory.CreateDirectory(folder);
            Journal = new AuditJournal(Path.Combine(folder, AuditJournalStore.FileName), node, Site, new HybridLogicalClock(node), new JournalOptions(), logs.For<AuditJournal>());
            Store = new SiteStateStore(node, new HybridLogicalClock(node));
            var stats = new NodeStats();
            _watcher = new ConflictWatcher(Store, Journal, new CommandSender(stats) { Publisher = _published }, stats,
                Options.Create(new NodeOptions { NodeId = node, Site = Site }), logs.For<ConflictWatcher>());
        }

        public AuditJournal Journal { get; }

        public SiteStateStore Store { get; }

        public AuditRecord? Conflict()
        {
            using var c = AuditJournalStore.OpenReader(Journal.Path);
            return AuditJournalStore.ReadAfter(c, 0, 1000).Select(x => AuditRecordCodec.Decode(x.Canonical)).FirstOrDefault(x => x.Kind == AuditKind.ConflictResolved);
        }

        public List<string> Sent() =>
            [.. _published.Sent.Select(s => System.Text.Json.JsonDocument.Parse(s.Payload).RootElement.GetProperty("action").GetString()!)];

        public async ValueTask DisposeAsync()
        {
            await _watcher.StopAsync(CancellationToken.None);
            await Journal.DisposeAsync();
        }
    }
}
