using Mesh.Node.Audit;
using Mesh.Node.Identity;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Node.Tests.Audit;

/// <summary>The journal signs its chain in <see cref="AuditKind.Checkpoint"/> records on each of its three triggers.</summary>
public sealed class JournalCheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly NodeKey _key;

    public JournalCheckpointTests() => _key = NodeKey.LoadOrCreate(_dir.Path);

    private string JournalPath => Path.Combine(_dir.Path, AuditJournalStore.FileName);

    private AuditJournal Open(int everyRecords = 1000, TimeSpan? every = null) =>
        new(JournalPath, "edge-1", "site-a", new HybridLogicalClock("edge-1"),
            new JournalOptions { CheckpointEveryRecords = everyRecords, CheckpointEvery = every ?? TimeSpan.FromHours(1) },
            NullLogger<AuditJournal>.Instance, _key);

    private static AuditDraft Draft(int i) =>
        new(AuditKind.Observation, "dev-1", $"dev-1#{i}", new byte[32], AuditRoute.None, "rules/x", "", "", "accepted", "{}");

    private static Task Append(AuditJournal journal, int from, int count) =>
        journal.AppendAsync(Enumerable.Range(from, count).Select(Draft).ToList());

    private List<AuditRecord> ReadAll()
    {
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadAfter(c, 0, 100_000).Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash }).ToList();
    }

    /// <summary>The whole journal verifies, chain and checkpoints, against the node's key.</summary>
    private CheckpointTracker VerifyAll(List<AuditRecord> records)
    {
        var tracker = new CheckpointTracker(_key.Fingerprint);
        var head = ChainHead.Genesis;
        foreach (var record in records)
        {
            var step = ChainVerifier.Step(head, record, "edge-1");
            step.Ok.ShouldBeTrue(step.ToString());
            tracker.Observe(record, head, 0).ShouldBeNull();
            head = step.Head;
        }
        tracker.Finish(head, records.Count).ShouldBeNull();
        return tracker;
    }

    [Fact]
    public async Task Append_ReachingEveryRecords_SignsInTheSameCommit()
    {
        await using var journal = Open(everyRecords: 5);

        await Append(journal, 1, 4);
        journal.Head.ShouldBe(4);
        await Append(journal, 5, 1);

        journal.Head.ShouldBe(6);
        var records = ReadAll();
        records[5].Kind.ShouldBe(AuditKind.Checkpoint);
        records[5].MessageKey.ShouldBe("checkpoint#5");
        records.Take(5).ShouldAllBe(r => r.Kind == AuditKind.Observation);
        var body = AuditCheckpoint.Read(records[5], out _)!;
        body.Covers.ShouldBe(5);
        body.EveryRecords.ShouldBe(5);
        body.Fingerprint.ShouldBe(_key.Fingerprint);
        journal.CheckpointFingerprint.ShouldBe(_key.Fingerprint);
        VerifyAll(records).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Append_ABatchPastTheInterval_OneCheckpointAfterTheBatch()
    {
        await using var journal = Open(everyRecords: 5);

        await Append(journal, 1, 12);

        var records = ReadAll();
        records.Count.ShouldBe(13);
        records.Count(r => r.Kind == AuditKind.Checkpoint).ShouldBe(1);
        records[^1].Kind.ShouldBe(AuditKind.Checkpoint);
        VerifyAll(records);
    }

    [Fact]
    public async Task Timer_AnythingWritten_SignsWithinTheIntervalAndNotWhenIdle()
    {
        await using var journal = Open(every: TimeSpan.FromMilliseconds(200));

        await Append(journal, 1, 3);
        await Poll.UntilAsync(() => journal.Head == 4, TimeSpan.FromSeconds(10), () => $"a timed checkpoint after 3 records (head {journal.Head})");
        await Append(journal, 4, 1);
        await Poll.UntilAsync(() => journal.Head == 6, TimeSpan.FromSeconds(10), () => $"a second timed checkpoint (head {journal.Head})");

        var records = ReadAll();
        records.Select(r => r.Kind).ShouldBe([AuditKind.Observation, AuditKind.Observation, AuditKind.Observation, AuditKind.Checkpoint,
            AuditKind.Observation, AuditKind.Checkpoint]);
        VerifyAll(records).Last!.Covers.ShouldBe(5);
    }

    [Fact]
    public async Task Dispose_UnsignedTail_SignsItAtShutdownOnlyOnce()
    {
        await using (var journal = Open())
            await Append(journal, 1, 3);
        await using (Open())
        {
            // Nothing written since the shutdown checkpoint: the next shutdown adds none.
        }

        var records = ReadAll();
        records.Count.ShouldBe(4);
        records[3].Kind.ShouldBe(AuditKind.Checkpoint);
        VerifyAll(records).Last!.Covers.ShouldBe(3);
    }

    [Fact]
    public async Task Open_UnsignedTailFromACrash_CountsItTowardsTheNextCheckpoint()
    {
        await using (var unsigned = new AuditJournal(JournalPath, "edge-1", "site-a", new HybridLogicalClock("edge-1"), new JournalOptions(), NullLogger<AuditJournal>.Instance))
            await Append(unsigned, 1, 3);

        await using var journal = Open(everyRecords: 5);
        await Append(journal, 4, 2);

        journal.Head.ShouldBe(6);
        ReadAll()[5].Kind.ShouldBe(AuditKind.Checkpoint);
    }

    [Fact]
    public async Task Open_LargerIntervalConfiguredSince_KeepsTheOneTheLastCheckpointPromised()
    {
        await using (var journal = Open(everyRecords: 3))
            await Append(journal, 1, 3);

        await using (var journal = Open(everyRecords: 1000))
            await Append(journal, 4, 3);

        var records = ReadAll();
        records.Count(r => r.Kind == AuditKind.Checkpoint).ShouldBe(2);
        records[7].Kind.ShouldBe(AuditKind.Checkpoint);
        VerifyAll(records);
    }

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }
}
