using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Policy;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Tests.Audit;

/// <summary>The journal's disk budget: pruning what the hub acknowledged, the full backlog and its end, restarts.</summary>
public sealed class JournalBudgetTests : IAsyncDisposable
{
    private const long Budget = JournalOptions.MinDiskBudgetBytes;
    private const int Window = 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new();
    private readonly LogSink _logs = new();
    private readonly ActivePolicy _policy = TestPolicies.Active(TestPolicies.OneRule("{ metric: temperature, gt: 30 }"));
    private readonly Dictionary<string, DeviceRun> _runs = [];
    private AuditJournal _journal;

    public JournalBudgetTests() => _journal = Open();

    private string JournalPath => Path.Combine(_dir.Path, AuditJournalStore.FileName);

    private AuditJournal Open() => new(JournalPath, "edge-1", TestPolicies.Site, new HybridLogicalClock("edge-1"),
        new JournalOptions { DiskBudgetBytes = Budget, RedeliveryWindow = Window }, _logs.For<AuditJournal>());

    /// <summary>Decides readings of three devices with the pure core, as agents do, and journals them (a policy first).</summary>
    private async Task RecordReadingsAsync(int count)
    {
        if (_journal.Head == 0)
            await _journal.AppendAsync([PolicyDrafts.Activated(_policy)]);
        // Queued together, committed together (group commit), in this order.
        var appends = new List<Task<AppendResult>>(count);
        for (var i = 0; i < count; i++)
        {
            var device = $"dev-{i % 3 + 1}";
            if (!_runs.TryGetValue(device, out var run))
                _runs[device] = run = new DeviceRun(_policy.For(device), device, Window);
            var evt = run.Feed(run.Seq, ("humidity", 40 + i % 7), ("temperature", 25 + i % 11));
            appends.Add(_journal.AppendAsync(AuditDrafts.ForReading(device, evt, "generic-x64-cpu"), skipExisting: true));
        }
        await Task.WhenAll(appends);
    }

    /// <summary>Records readings until the journal says its backlog is full (bounded).</summary>
    private async Task FillAsync()
    {
        for (var i = 0; i < 200 && !_journal.BacklogFull; i++)
            await RecordReadingsAsync(200);
        await UntilAsync(() => _journal.BacklogFull, "the backlog to fill the budget");
    }

    /// <summary>Waits until the backlog resumed and the pruning episode that freed the space is over (it logs 2004 then).</summary>
    private Task ResumedAsync() =>
        UntilAsync(() => !_journal.BacklogFull && _logs.Entries.Any(e => e.Id.Id == 2004), "the backlog to resume and pruning to finish");

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>The journal's files on disk: the database and its write-ahead log.</summary>
    private long DiskBytes() =>
        new FileInfo(JournalPath).Length + (File.Exists(JournalPath + "-wal") ? new FileInfo(JournalPath + "-wal").Length : 0);

    private List<AuditRecord> Records()
    {
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return [.. AuditJournalStore.ReadAfter(c, 0, 1_000_000).Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash })];
    }

    [Fact]
    public async Task Budget_UnacknowledgedBacklogFillsIt_OneBacklogFullRecordWithTheFigures()
    {
        await FillAsync();
        await RecordReadingsAsync(30);

        var full = Records().Where(r => r.Kind == AuditKind.BacklogFull).ToList();
        full.Count.ShouldBe(1, "one record per episode, however many appends follow");
        full[0].Body.ShouldContain($"\"budget_bytes\":{Budget}");
        full[0].Body.ShouldContain("\"hub_acked\":0");
        full[0].Outcome.ShouldBe("backlog-full");
        _journal.UsedBytes.ShouldBeGreaterThanOrEqualTo(Budget);
        _journal.Boundary.Pruned.ShouldBeFalse("nothing the hub has not acknowledged is ever pruned");
        _logs.Entries.Count(e => e.Id.Id == 2002).ShouldBe(1);
    }

    [Fact]
    public async Task Budget_HubAcknowledgesTheBacklog_PrunesShrinksTheFileAndResumes()
    {
        await FillAsync();
        var head = _journal.Head;
        var sizeBefore = DiskBytes();

        _journal.NoteHubAck(head);
        await ResumedAsync();

        var records = Records();
        records.Count(r => r.Kind == AuditKind.BacklogResumed).ShouldBe(1);
        _journal.Boundary.Through.ShouldBeInRange(1, head);
        _journal.UsedBytes.ShouldBeLessThan((long)(Budget * 0.9));
        DiskBytes().ShouldBeLessThan(sizeBefore, "incremental vacuum hands pruned pages back");
        DiskBytes().ShouldBeLessThan(Budget + Budget / 4, "the write-ahead log stays within a quarter of the budget");
        records.Count(r => r.Sequence <= _journal.Boundary.Through && r.Kind < AuditKind.PolicyActivated).ShouldBe(0,
            "below the boundary only node-level records stay");
        var after = records.Where(r => r.Sequence > _journal.Boundary.Through).ToList();
        after[0].Sequence.ShouldBe(_journal.Boundary.Through + 1);
        var verdict = ChainVerifier.Verify(after, _journal.Boundary.Head, "edge-1");
        verdict.Ok.ShouldBeTrue(verdict.ToString());
        verdict.Head.Sequence.ShouldBe(_journal.Head);
        _logs.ShouldHaveNoErrors();
    }

    [Fact]
    public async Task Prune_HubAcknowledgedOnlyPart_NeverPrunesPastTheAck()
    {
        await FillAsync();
        var acked = _journal.Head / 20;

        _journal.NoteHubAck(acked);
        await UntilAsync(() => _logs.Entries.Any(e => e.Id.Id == 2004), "pruning up to the ack");

        _journal.Boundary.Through.ShouldBeLessThanOrEqualTo(acked);
        var kept = Records().Select(r => r.Sequence).ToHashSet();
        for (var seq = acked + 1; seq <= _journal.Head; seq++)
            kept.ShouldContain(seq);
        _journal.BacklogFull.ShouldBeTrue("a twentieth of the backlog acknowledged does not bring it below the resume mark");
    }

    [Fact]
    public async Task Open_PrunedJournal_RestoresHeadBoundaryAndContinuesTheChain()
    {
        await FillAsync();
        var acked = _journal.Head;
        _journal.NoteHubAck(acked);
        await ResumedAsync();
        var head = _journal.Head;
        var boundary = _journal.Boundary;

        await _journal.DisposeAsync();
        _journal = Open();

        _journal.Head.ShouldBe(head);
        _journal.Boundary.Through.ShouldBe(boundary.Through);
        _journal.Boundary.Hash.ToArray().ShouldBe(boundary.Hash.ToArray());
        _journal.HubAcked.ShouldBe(acked, "the hub's ack is kept with the boundary");
        _journal.BacklogFull.ShouldBeFalse();
        await RecordReadingsAsync(5);
        var after = Records().Where(r => r.Sequence > boundary.Through).ToList();
        ChainVerifier.Verify(after, boundary.Head, "edge-1").Ok.ShouldBeTrue();
        _journal.Head.ShouldBeGreaterThan(head);
    }

    [Fact]
    public async Task Open_FullBacklogBeforeRestart_StaysFullWithoutASecondRecord()
    {
        await FillAsync();
        await _journal.DisposeAsync();

        _journal = Open();
        await RecordReadingsAsync(3);

        _journal.BacklogFull.ShouldBeTrue();
        Records().Count(r => r.Kind == AuditKind.BacklogFull).ShouldBe(1);
    }

    [Fact]
    public async Task Recovery_JournalPrunedPastTheSnapshot_StartsFromTheBoundaryState()
    {
        await FillAsync();
        _journal.NoteHubAck(_journal.Head);
        await ResumedAsync();
        var boundary = _journal.Boundary.Through;
        var liveStates = _runs.ToDictionary(r => r.Key, r => r.Value.State);

        using var lookup = new JournalLookup(_journal);
        foreach (var device in _runs.Keys)
        {
            var recovery = lookup.RecoveryFrom(device, snapshotMark: 0);
            recovery.Mark.ShouldBe(boundary);
            var start = recovery.Start.ShouldNotBeNull();
            recovery.Observations.ShouldAllBe(o => o.Sequence > boundary);
            // The boundary state, plus the readings after it, is where the device's agent stood.
            var last = recovery.Observations.Count == 0 ? start.LastSeq : Mesh.Node.Replay.ObservationRecord.Read(recovery.Observations[^1]).Seq;
            last.ShouldBe(liveStates[device].LastSeq);
            start.LastSeq.ShouldBeLessThanOrEqualTo(liveStates[device].LastSeq);
            start.RecentCount.ShouldBe(Window);
        }
    }

    [Fact]
    public async Task Append_RedeliveredReadingWhoseRecordsWerePruned_IsNotWrittenAgain()
    {
        await FillAsync();
        _journal.NoteHubAck(_journal.Head);
        await ResumedAsync();
        var run = _runs["dev-1"];
        using var lookup = new JournalLookup(_journal);
        var boundaryState = lookup.RecoveryFrom("dev-1", 0).Start.ShouldNotBeNull();
        var pruned = boundaryState.Recent.Last();
        Records().ShouldNotContain(r => r.MessageKey == $"dev-1#{pruned.Seq}", "the reading's records were pruned");

        var again = await _journal.AppendAsync(AuditDrafts.ForReading("dev-1", pruned, "generic-x64-cpu"), skipExisting: true);

        again.Appended.ShouldBe(0);
        again.Skipped.ShouldBeGreaterThan(0);
        run.State.LastSeq.ShouldBeGreaterThan(pruned.Seq);
    }

    [Fact]
    public async Task Budget_Unlimited_NeverPrunesNorHolds()
    {
        await _journal.DisposeAsync();
        _journal = new AuditJournal(JournalPath, "edge-1", TestPolicies.Site, new HybridLogicalClock("edge-1"),
            new JournalOptions { DiskBudgetBytes = 0 }, _logs.For<AuditJournal>());
        await RecordReadingsAsync(3000);
        _journal.NoteHubAck(_journal.Head);
        await RecordReadingsAsync(1);

        _journal.BacklogFull.ShouldBeFalse();
        _journal.Boundary.Pruned.ShouldBeFalse();
        using var reader = AuditJournalStore.OpenReader(JournalPath);
        AuditJournalStore.UsedBytes(reader).ShouldBeGreaterThan(Budget);
    }

    public async ValueTask DisposeAsync()
    {
        await _journal.DisposeAsync();
        _dir.Dispose();
        _logs.Entries.Where(e => e.Level >= LogLevel.Error).ShouldBeEmpty();
    }
}
