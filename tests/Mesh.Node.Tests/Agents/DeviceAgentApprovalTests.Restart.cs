using Mesh.Node.Replay;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Tests.Agents;

/// <summary>Approvals across a restart of the agent, and replay of the journal it wrote.</summary>
public sealed partial class DeviceAgentApprovalTests
{
    [Fact]
    public async Task Restart_SettledAfterLastSnapshot_RecoveredAsSettled()
    {
        // Snapshots every 2 changes: after the second reading (the approval pending in it), not after the settlement.
        await StartAsync(Policy(timeout: "1h", onTimeout: "deny"), snapshotEvery: 2);
        var id = RequestApproval();
        Marker();
        AwaitCondition(() => SnapshotCount() > 0, Patience);
        DecideApproval(id, approved: true);
        AwaitResolution(id);
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
        Stop(_agent);
        Clock.Advance(TimeSpan.FromHours(2));

        _agent = StartAgent(Settings(snapshotEvery: 2));
        DecideApproval(id, approved: true);
        Marker();

        DeviceRecords().Count(r => r.Kind == AuditKind.ApprovalResolved).ShouldBe(1, "a settled approval has no deadline left to fire");
        DeviceRecords().ShouldNotContain(r => r.Kind == AuditKind.ApprovalLate);
        Published.Sent.Count.ShouldBe(1);
        Stats.ApprovalsTimedOut.ShouldBe(0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Restart_WhilePending_StillPendingAndApprovable(int snapshotEvery)
    {
        await StartAsync(Policy(), snapshotEvery: snapshotEvery);
        var id = RequestApproval();
        if (snapshotEvery == 1)
            AwaitCondition(() => SnapshotCount() > 0, Patience);
        Stop(_agent);

        _agent = StartAgent(Settings(snapshotEvery));
        Marker();
        DeviceRecords().ShouldNotContain(r => r.Kind == AuditKind.ApprovalResolved);
        DecideApproval(id, approved: true);

        AwaitResolution(id).Outcome.ShouldBe("granted");
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
        Actions().ShouldHaveSingleItem().MessageKey.ShouldBe("dev-1#1/vent");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Restart_PendingWhoseDeadlinePassedWhileDown_TimerFiresOnRecovery(int snapshotEvery)
    {
        await StartAsync(Policy(timeout: "1h", onTimeout: "deny"), snapshotEvery: snapshotEvery);
        var id = RequestApproval();
        if (snapshotEvery == 1)
            AwaitCondition(() => SnapshotCount() > 0, Patience);
        Stop(_agent);
        Clock.Advance(TimeSpan.FromHours(2));

        _agent = StartAgent(Settings(snapshotEvery));

        AwaitResolution(id).Outcome.ShouldBe("timed-out-denied");
    }

    [Fact]
    public async Task Restart_ApproveOnTimeoutLongAfterDeadline_TimedOutStaleAndNoCommand()
    {
        await StartAsync(Policy(timeout: "1h", onTimeout: "approve"));
        var id = RequestApproval();
        Stop(_agent);
        Clock.Advance(TimeSpan.FromHours(5));

        _agent = StartAgent(Settings());

        AwaitResolution(id).Outcome.ShouldBe("timed-out-stale");
        Marker();
        Actions().ShouldBeEmpty();
        Published.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Restart_AfterGranted_NotPendingAgainAndNoSecondCommand()
    {
        await StartAsync(Policy());
        var id = RequestApproval();
        DecideApproval(id, approved: true);
        AwaitResolution(id);
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
        Stop(_agent);
        Clock.Advance(TimeSpan.FromHours(3));

        _agent = StartAgent(Settings());
        DecideApproval(id, approved: true);
        Marker();

        DeviceRecords().Count(r => r.Kind == AuditKind.ApprovalResolved).ShouldBe(1);
        DeviceRecords().ShouldNotContain(r => r.Kind == AuditKind.ApprovalLate);
        Published.Sent.Count.ShouldBe(1);
        Stats.ApprovalsTimedOut.ShouldBe(0);
    }

    [Fact]
    public async Task Replay_AgentJournalWithApprovals_NoDivergence()
    {
        await StartAsync(Policy());
        var granted = RequestApproval();
        DecideApproval(granted, approved: true);
        AwaitResolution(granted);
        Decide(_agent, Reading(++_seq, T0.AddSeconds(5), ("humidity", 90), ("temperature", 20)));
        var denied = RequestApproval();
        DecideApproval(denied, approved: false);
        AwaitResolution(denied);
        for (var i = 0; i < 6; i++)
            Decide(_agent, Reading(++_seq, T0.AddSeconds(10 + i), ("humidity", i % 2 == 0 ? 70 : 90), ("temperature", i % 2 == 0 ? 20 : 31)));

        var replay = new ReplayEngine();
        foreach (var record in Records())
            replay.Feed(record);
        var report = replay.Finish();

        report.Problems.ShouldBeEmpty();
        report.Divergences.ShouldBeEmpty();
        report.Readings.ShouldBe(_seq);
        report.Decisions.ShouldBeGreaterThan(6);
    }
}
