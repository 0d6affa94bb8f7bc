using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Tests.Policy;

/// <summary>How a pending approval is settled, against the node's clock.</summary>
public sealed class ApprovalSettlementTests
{
    private const long ReadingTs = 1_750_000_000_000;
    private const long Minute = 60_000;

    /// <summary>Timeout 15 min, max age 30 min.</summary>
    private static PendingApproval Pending(ApprovalDefault onTimeout = ApprovalDefault.Deny, long maxAgeMinutes = 30) =>
        new("apr-1", "vent", "vent-open", 7, ReadingTs, ReadingTs + 15 * Minute, maxAgeMinutes * Minute, onTimeout,
            OfflineApproval.Defer, "operator", "temperature > 30");

    [Fact]
    public void ByPerson_ApprovedInTime_GrantedAndExecuted()
    {
        var s = ApprovalSettlement.ByPerson(Pending(), approved: true, local: false, "alice", "ok", ReadingTs + 5 * Minute);

        s.ShouldBe(new DeviceEvents.ApprovalSettled("apr-1", "vent", "vent-open", 7, "granted", "alice", "ok", ReadingTs + 5 * Minute, true));
    }

    [Fact]
    public void ByPerson_ApprovedLocally_LocallyApprovedAndExecuted()
    {
        var s = ApprovalSettlement.ByPerson(Pending(), approved: true, local: true, "bob", "", ReadingTs + Minute);

        (s.Outcome, s.Executed).ShouldBe(("locally-approved", true));
    }

    [Fact]
    public void ByPerson_ApprovedAfterMaxAge_StaleAndNotExecuted()
    {
        var s = ApprovalSettlement.ByPerson(Pending(maxAgeMinutes: 10), approved: true, local: false, "alice", "", ReadingTs + 11 * Minute);

        (s.Outcome, s.Executed, s.By).ShouldBe(("stale", false, "alice"));
    }

    [Fact]
    public void ByPerson_ApprovedExactlyAtMaxAge_StillGranted()
    {
        var s = ApprovalSettlement.ByPerson(Pending(maxAgeMinutes: 10), approved: true, local: false, "alice", "", ReadingTs + 10 * Minute);

        (s.Outcome, s.Executed).ShouldBe(("granted", true));
    }

    [Fact]
    public void ByPerson_Denied_DeniedAndNotExecuted()
    {
        var s = ApprovalSettlement.ByPerson(Pending(), approved: false, local: false, "carol", "not now", ReadingTs + Minute);

        s.ShouldBe(new DeviceEvents.ApprovalSettled("apr-1", "vent", "vent-open", 7, "denied", "carol", "not now", ReadingTs + Minute, false));
    }

    [Fact]
    public void ByTimeout_OnTimeoutDeny_TimedOutDenied()
    {
        var s = ApprovalSettlement.ByTimeout(Pending(ApprovalDefault.Deny), ReadingTs + 15 * Minute);

        (s.Outcome, s.Executed, s.By).ShouldBe(("timed-out-denied", false, "policy"));
        s.Comment.ShouldContain("no decision by");
    }

    [Fact]
    public void ByTimeout_OnTimeoutApprove_TimedOutApprovedAndExecuted()
    {
        var s = ApprovalSettlement.ByTimeout(Pending(ApprovalDefault.Approve), ReadingTs + 15 * Minute + 1_000);

        (s.Outcome, s.Executed, s.By).ShouldBe(("timed-out-approved", true, "policy"));
    }

    [Fact]
    public void ByTimeout_OnTimeoutApproveHandledWithinSlack_StillApproved()
    {
        var now = ReadingTs + 15 * Minute + (long)ApprovalSettlement.TimeoutSlack.TotalMilliseconds;

        ApprovalSettlement.ByTimeout(Pending(ApprovalDefault.Approve), now).Outcome.ShouldBe("timed-out-approved");
    }

    [Fact]
    public void ByTimeout_OnTimeoutApproveHandledLongAfterDeadline_TimedOutStaleNotExecuted()
    {
        var s = ApprovalSettlement.ByTimeout(Pending(ApprovalDefault.Approve), ReadingTs + 3 * 60 * Minute);

        (s.Outcome, s.Executed).ShouldBe(("timed-out-stale", false));
        s.Comment.ShouldContain("too old");
    }

    [Fact]
    public void ByTimeout_OnTimeoutApproveButMaxAgeShorterThanTimeout_TimedOutStaleNotExecuted()
    {
        // Timeout 15 min, max age 10 min: at the deadline the reading is too old for its action ever to run.
        var s = ApprovalSettlement.ByTimeout(Pending(ApprovalDefault.Approve, maxAgeMinutes: 10), ReadingTs + 15 * Minute);

        (s.Outcome, s.Executed).ShouldBe(("timed-out-stale", false));
    }

    [Fact]
    public void ByTimeout_OnTimeoutDenyHandledLongAfterDeadline_StillDenied() =>
        ApprovalSettlement.ByTimeout(Pending(ApprovalDefault.Deny), ReadingTs + 3 * 60 * Minute).Outcome.ShouldBe("timed-out-denied");

    [Fact]
    public void Offline_HubUnreachable_OfflineDeniedNotExecuted()
    {
        var s = ApprovalSettlement.Offline(Pending(), ReadingTs);

        s.ShouldBe(new DeviceEvents.ApprovalSettled("apr-1", "vent", "vent-open", 7, "offline-denied", "policy",
            "the hub is unreachable and the policy denies offline", ReadingTs, false));
    }

    [Theory]
    [InlineData("granted", true)]
    [InlineData("denied", true)]
    [InlineData("stale", true)]
    [InlineData("timed-out-denied", false)]
    [InlineData("timed-out-approved", false)]
    [InlineData("timed-out-stale", false)]
    [InlineData("offline-denied", false)]
    public void SettledByPerson_Outcome_TellsARepeatFromALateDecision(string outcome, bool byPerson) =>
        ApprovalSettlement.SettledByPerson(outcome).ShouldBe(byPerson);

    [Fact]
    public void Apply_Settled_RemovesPendingAndCountsExecutedForRateLimits()
    {
        var pending = Pending();
        var state = DeviceState.Empty with { Pending = DeviceState.Empty.Pending.Add(pending.Id, pending) };

        var granted = state.Apply(ApprovalSettlement.ByPerson(pending, true, false, "a", "", ReadingTs + Minute), 8);
        var denied = state.Apply(ApprovalSettlement.ByPerson(pending, false, false, "a", "", ReadingTs + Minute), 8);

        granted.Pending.ShouldBeEmpty();
        granted.Issued.ShouldBe([new IssuedCommand("vent-open", ReadingTs)]);
        denied.Pending.ShouldBeEmpty();
        denied.Issued.ShouldBeEmpty();
        granted.Apply(ApprovalSettlement.ByTimeout(pending, ReadingTs + 20 * Minute), 8).ShouldBe(granted, "settling twice changes nothing");
    }
}
