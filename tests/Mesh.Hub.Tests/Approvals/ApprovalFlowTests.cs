using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Approvals;

/// <summary>The whole path: a node's request arrives through audit sync, an operator decides, the decision
/// reaches the node's Watch stream, and is re-sent until the node's resolution arrives.</summary>
public sealed class ApprovalFlowTests
{
    [Fact]
    public async Task Requested_SyncedThroughAuditSync_IsListedAsPending()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        chain.Next(2);
        var requested = chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-1", seq: 77), "pending", device: "cooler-3");

        await hub.SyncAsync(chain, [.. chain.Range(1, 3)]);

        var approval = (await hub.ApprovalsAsync()).Single();
        approval.Id.ShouldBe("apr-1");
        (approval.NodeId, approval.Site, approval.Device).ShouldBe((TestChain.Node, TestChain.Site, "cooler-3"));
        (approval.Rule, approval.Action, approval.Role, approval.Seq).ShouldBe(("hot", "cooling-on", "operator", 77L));
        (approval.ReadingTs, approval.Deadline, approval.MaxAge).ShouldBe(("2026-11-23T10:00:00.0000000Z", "2026-11-23T10:30:00.0000000Z", "PT30M"));
        (approval.OnTimeout, approval.Offline).ShouldBe(("deny", "defer"));
        approval.RequestedSeq.ShouldBe(requested.Sequence);
        (approval.State, approval.Decision, approval.Resolution).ShouldBe(("pending", null, null));
    }

    [Fact]
    public async Task Approve_NodeWatching_DecisionArrivesLiveAndAgainOnReconnectUntilResolved()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-1"), "pending"));
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        using var watch = WatchSession.Open(hub.Control);
        (await watch.NextPolicyAsync()).Activation.ShouldBe(1UL);

        var view = await hub.DecideOkAsync("apr-1", approve: true);
        var live = await watch.NextDecisionAsync();

        (view.State, view.Decision!.Approved, view.Decision.By, view.Decision.Comment, view.Decision.Late)
            .ShouldBe(("decided", true, "alice", "checked on camera", false));
        (live.ApprovalId, live.NodeId, live.Approved, live.DecidedBy, live.Comment).ShouldBe(("apr-1", TestChain.Node, true, "alice", "checked on camera"));
        live.DecidedAtUnixMs.ShouldBeGreaterThan(0);

        using (var reconnect = WatchSession.Open(hub.Control))
        {
            (await reconnect.NextPolicyAsync()).Activation.ShouldBe(1UL);
            (await reconnect.NextDecisionAsync()).ShouldBe(live);
        }

        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalResolved, NodeBodies.ApprovalResolved("apr-1", "granted", "alice", executed: true), "granted"));
        using var afterResolved = WatchSession.Open(hub.Control);
        (await afterResolved.NextPolicyAsync()).Activation.ShouldBe(1UL);
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));

        // The snapshot ends before any live message: had the decision been in it, it would come before v2.
        (await afterResolved.NextAsync()).BodyCase.ShouldBe(ControlMessage.BodyOneofCase.Policy);
        var resolved = await hub.ApprovalAsync("apr-1");
        resolved.State.ShouldBe("resolved");
        resolved.Resolution.ShouldNotBeNull();
        (resolved.Resolution.Outcome, resolved.Resolution.By, resolved.Resolution.Executed).ShouldBe(("granted", "alice", true));
        resolved.Resolution.At.ShouldBe("2026-11-23T10:30:00.0000000Z");
    }

    [Fact]
    public async Task Deny_NodeWatching_DecisionArrivesDenied()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-2"), "pending"));
        using var watch = WatchSession.Open(hub.Control);
        await hub.WaitForWatchersAsync(1);

        var view = await hub.DecideOkAsync("apr-2", approve: false, by: "carol");
        var live = await watch.NextDecisionAsync();

        (view.Decision!.Approved, view.Decision.By).ShouldBe((false, "carol"));
        (live.ApprovalId, live.Approved, live.DecidedBy).ShouldBe(("apr-2", false, "carol"));
    }

    [Fact]
    public async Task Decision_OtherNodesApproval_IsNotSentToThisNode()
    {
        await using var hub = await HubHarness.StartAsync();
        var mine = new TestChain("edge-1");
        var theirs = new TestChain("edge-2");
        await hub.SyncAsync(mine, mine.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-mine"), "pending"));
        await hub.SyncAsync(theirs, theirs.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-theirs"), "pending"));
        using var watch = WatchSession.Open(hub.Control, "edge-1");
        await hub.WaitForWatchersAsync(1);

        await hub.DecideOkAsync("apr-theirs", approve: true);
        await hub.DecideOkAsync("apr-mine", approve: true);

        (await watch.NextDecisionAsync()).ApprovalId.ShouldBe("apr-mine");
    }

    [Fact]
    public async Task Decide_AfterTheNodeTimedOut_IsStoredLateAndSentUntilTheNodeRecordsIt()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain,
            chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-3"), "pending"),
            chain.Append(AuditKind.ApprovalResolved, NodeBodies.ApprovalResolved("apr-3", "timed-out-denied"), "timed-out-denied"));
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));

        var view = await hub.DecideOkAsync("apr-3", approve: true);

        (view.State, view.Decision!.Late, view.Resolution!.Outcome).ShouldBe(("resolved", true, "timed-out-denied"));
        using (var watch = WatchSession.Open(hub.Control))
        {
            await watch.NextPolicyAsync();
            (await watch.NextDecisionAsync()).ApprovalId.ShouldBe("apr-3");
        }
        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalLate, NodeBodies.ApprovalLate("apr-3", true, "alice", "timed-out-denied"), "late"));
        using var after = WatchSession.Open(hub.Control);
        await after.NextPolicyAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));
        (await after.NextAsync()).BodyCase.ShouldBe(ControlMessage.BodyOneofCase.Policy);
        (await hub.ApprovalAsync("apr-3")).Decision!.Late.ShouldBeTrue();
    }

    [Fact]
    public async Task Decided_NodeReportsLateAfterResolvingFirst_DecisionFlaggedLate()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-4"), "pending"));
        (await hub.DecideOkAsync("apr-4", approve: true)).Decision!.Late.ShouldBeFalse();

        await hub.SyncAsync(chain,
            chain.Append(AuditKind.ApprovalResolved, NodeBodies.ApprovalResolved("apr-4", "stale"), "stale"),
            chain.Append(AuditKind.ApprovalLate, NodeBodies.ApprovalLate("apr-4", true, "alice", "stale"), "late"));

        var view = await hub.ApprovalAsync("apr-4");
        (view.State, view.Decision!.Late, view.Resolution!.Outcome).ShouldBe(("resolved", true, "stale"));
    }

    [Fact]
    public async Task Restart_DecisionNotYetRecorded_IsSentOnTheNextWatch()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain, chain.Append(AuditKind.ApprovalRequested, NodeBodies.ApprovalRequested("apr-5"), "pending"));
        await hub.DecideOkAsync("apr-5", approve: false);

        await hub.RestartAsync();

        using var watch = WatchSession.Open(hub.Control);
        var decision = await watch.NextDecisionAsync();
        (decision.ApprovalId, decision.Approved).ShouldBe(("apr-5", false));
    }
}
