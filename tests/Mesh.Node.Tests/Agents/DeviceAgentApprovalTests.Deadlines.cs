using System.Text.Json;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Tests.Agents;

/// <summary>Deadlines, the hub being unreachable, and decisions that come too late.</summary>
public sealed partial class DeviceAgentApprovalTests
{
    [Fact]
    public async Task Deadline_PassesWithOnTimeoutDeny_TimedOutDeniedAndNoCommand()
    {
        await StartAsync(Policy(timeout: "1m", onTimeout: "deny"));

        var id = RequestApproval(age: TimeSpan.FromMinutes(2));

        var resolved = AwaitResolution(id);
        resolved.Outcome.ShouldBe("timed-out-denied");
        JsonDocument.Parse(resolved.Body).RootElement.GetProperty("by").GetString().ShouldBe("policy");
        Marker();
        Actions().ShouldBeEmpty();
        Published.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Deadline_PassesWithOnTimeoutApprove_TimedOutApprovedAndOneCommand()
    {
        await StartAsync(Policy(timeout: "1m", onTimeout: "approve", maxAge: "1m"));

        var id = RequestApproval(age: TimeSpan.FromSeconds(61));

        AwaitResolution(id).Outcome.ShouldBe("timed-out-approved");
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
        Actions().ShouldHaveSingleItem().Decision.ShouldBe("vent-open");
        Published.Sent.ShouldHaveSingleItem().Topic.ShouldBe(Topic);
    }

    [Fact]
    public async Task Offline_PolicyDenies_OfflineDeniedAtOnce()
    {
        await StartAsync(Policy(offline: "deny"), hubConnected: false);

        var id = RequestApproval();

        var resolved = AwaitResolution(id);
        resolved.Outcome.ShouldBe("offline-denied");
        resolved.Sequence.ShouldBeGreaterThan(DeviceRecords().Single(r => r.Kind == AuditKind.ApprovalRequested).Sequence);
        Marker();
        Published.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task Offline_PolicyDefers_StaysPendingUntilDecided()
    {
        await StartAsync(Policy(offline: "defer"), hubConnected: false);
        var id = RequestApproval();

        Marker();

        DeviceRecords().ShouldNotContain(r => r.Kind == AuditKind.ApprovalResolved);
        Lookup.DevicesWithPendingApprovals().ShouldBe([Device]);
        Hub.Set(true);
        DecideApproval(id, approved: true);
        AwaitResolution(id).Outcome.ShouldBe("granted");
        AwaitCondition(() => Published.Sent.Count == 1, Patience);
    }

    [Fact]
    public async Task DecideApproval_AfterTimeoutSettledIt_RecordsLateAndPublishesNothing()
    {
        await StartAsync(Policy(timeout: "1m", onTimeout: "deny"));
        var id = RequestApproval(age: TimeSpan.FromMinutes(2));
        AwaitResolution(id).Outcome.ShouldBe("timed-out-denied");

        DecideApproval(id, approved: true, "alice", "sorry, was away");

        AuditRecord? late = null;
        AwaitAssert(() => late = DeviceRecords().Where(r => r.Kind == AuditKind.ApprovalLate).ShouldHaveSingleItem(), Patience);
        late!.MessageKey.ShouldBe(id);
        using var body = JsonDocument.Parse(late.Body);
        body.RootElement.GetProperty("settledAs").GetString().ShouldBe("timed-out-denied");
        body.RootElement.GetProperty("approved").GetBoolean().ShouldBeTrue();
        body.RootElement.GetProperty("by").GetString().ShouldBe("alice");
        Marker();
        Actions().ShouldBeEmpty();
        Published.Sent.ShouldBeEmpty();
    }

    [Fact]
    public async Task DecideApproval_ArrivesAfterDeadlineBeforeTimer_SettledByTimeoutAndRecordedLate()
    {
        await StartAsync(Policy(timeout: "15m", onTimeout: "deny"));
        var id = RequestApproval();
        Clock.Advance(TimeSpan.FromMinutes(16));

        DecideApproval(id, approved: true);

        AwaitResolution(id).Outcome.ShouldBe("timed-out-denied");
        Marker();
        var late = DeviceRecords().Where(r => r.Kind == AuditKind.ApprovalLate).ShouldHaveSingleItem();
        JsonDocument.Parse(late.Body).RootElement.GetProperty("settledAs").GetString().ShouldBe("timed-out-denied");
        Published.Sent.ShouldBeEmpty();
    }
}
