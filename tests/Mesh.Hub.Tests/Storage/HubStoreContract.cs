using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Crdt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Hub.Tests.Storage;

/// <summary>
/// What <see cref="HubStore"/> promises, whatever database is underneath: each provider runs these through a derived
/// class. Every test names its own node and site, so the tests of one class can share a database.
/// </summary>
public abstract partial class HubStoreContract
{
    private readonly string _node = "edge-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _site = "site-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The options selecting the provider and its database.</summary>
    protected abstract HubOptions Options { get; }

    private HubStore Open() => new(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<HubStore>.Instance);

    private static List<RecordToStore> ToStore(IEnumerable<AuditRecord> records) =>
        [.. records.Select(r => new RecordToStore(r, AuditRecordCodec.Encode(r)))];

    private static ChainHead HeadOf(TestChain chain, long sequence) =>
        sequence == 0 ? new ChainHead(0, AuditRecordCodec.GenesisHash) : new ChainHead(sequence, chain[sequence].Hash);

    [Fact]
    public void Append_ThenReopen_RecordsAndHeadKept()
    {
        var chain = new TestChain(_node, _site);
        var records = chain.Next(123);
        using (var store = Open())
        {
            store.Append(_node, _site, HeadOf(chain, 0), ToStore(records.Take(100)), 123, DateTime.UtcNow);
            store.Append(_node, _site, HeadOf(chain, 100), ToStore(records.Skip(100)), 123, DateTime.UtcNow).LastSeq.ShouldBe(123);
        }

        using var reopened = Open();
        var node = reopened.FindNode(_node).ShouldNotBeNull();
        (node.Site, node.LastSeq, node.HeadSeq).ShouldBe((_site, 123L, 123L));
        node.LastHash.ShouldBe(chain[123].Hash.ToArray());
        var read = reopened.ReadRecords(_node, 10, 1000);
        read.Select(r => r.Sequence).ShouldBe(Enumerable.Range(11, 113).Select(i => (long)i));
        read[0].Canonical.ShouldBe(AuditRecordCodec.Encode(chain[11]));
        read[0].Hash.ShouldBe(chain[11].Hash.ToArray());
        reopened.ReadRecords(_node, 120, 2).Select(r => r.Sequence).ShouldBe([121L, 122L]);
        reopened.ReadHashes(_node, 50, 52).Keys.Order().ShouldBe([50L, 51L, 52L]);
    }

    [Fact]
    public void Append_NotContinuingTheStoredHead_RefusedAndNothingStored()
    {
        var chain = new TestChain(_node, _site);
        chain.Next(5);
        using var store = Open();
        store.Append(_node, _site, HeadOf(chain, 0), ToStore(chain.Range(1, 2)), 5, DateTime.UtcNow);

        Should.Throw<HubStorageException>(() => store.Append(_node, _site, HeadOf(chain, 3), ToStore(chain.Range(4, 5)), 5, DateTime.UtcNow))
            .Message.ShouldContain("stored head is 2, not 3");
        store.FindNode(_node)!.LastSeq.ShouldBe(2);
        store.ReadRecords(_node, 0, 10).Count.ShouldBe(2);
    }

    /// <summary>A second store whose cached head is stale (another writer stored the records) fails at the database's key;
    /// its transaction rolls back whole and its cached head does not move.</summary>
    [Fact]
    public void Append_RecordsAlreadyStored_FailsWholeAndCachedHeadUnchanged()
    {
        var chain = new TestChain(_node, _site);
        chain.Next(3);
        using var stale = Open();
        using (var first = Open())
            first.Append(_node, _site, HeadOf(chain, 0), ToStore(chain.Range(1, 2)), 3, DateTime.UtcNow);

        Should.Throw<HubStorageException>(() => stale.Append(_node, _site, HeadOf(chain, 0), ToStore(chain.Range(1, 3)), 3, DateTime.UtcNow))
            .Message.ShouldContain($"store 3 record(s) of node {_node}");
        stale.FindNode(_node).ShouldBeNull();
        stale.ReadRecords(_node, 0, 10).Select(r => r.Sequence).ShouldBe([1L, 2L], "record 3 must not survive the failed transaction");
    }

    [Fact]
    public void Touch_NewThenKnownNode_HeadKeptAndSeenUpdated()
    {
        var chain = new TestChain(_node, _site);
        chain.Next(2);
        using var store = Open();
        var seen = new DateTime(2026, 11, 24, 6, 0, 0, DateTimeKind.Utc);
        store.Touch(_node, _site, 7, seen).LastSeq.ShouldBe(0);
        store.Append(_node, _site, HeadOf(chain, 0), ToStore(chain.Range(1, 2)), 7, seen);
        store.Touch(_node, _site, 9, seen.AddMinutes(1));

        using var reopened = Open();
        var node = reopened.FindNode(_node).ShouldNotBeNull();
        (node.LastSeq, node.HeadSeq, node.LastSeenUtc).ShouldBe((2L, 9L, seen.AddMinutes(1)));
    }

    [Fact]
    public void PushPolicy_NewerOlderSameAndRollback_EachAnsweredAndLogged()
    {
        using var store = Open();
        var v1 = Policy(1, "a1");
        var v2 = Policy(2, "b2");

        store.PushPolicy(v1, Action).Status.ShouldBe(PolicyPushStatus.Activated);
        store.PushPolicy(v2, Action).Activation!.Activation.ShouldBe(2);
        store.PushPolicy(v1, Action).Status.ShouldBe(PolicyPushStatus.NotNewer);
        store.PushPolicy(v2, Action).Status.ShouldBe(PolicyPushStatus.AlreadyHeld);
        var rolled = store.RollbackPolicy(_site, 1, 3_000, "alice", "back", Action).ShouldNotBeNull();
        store.RollbackPolicy(_site, 9, 3_000, "alice", "none", Action).ShouldBeNull();

        (rolled.Activation.Activation, rolled.Activation.Rollback, rolled.Policy.Text).ShouldBe((3L, true, "text a1"));
        store.FindActivePolicy(_site)!.Policy.Version.ShouldBe(1);
        store.FindActivePolicy("site-without-policy").ShouldBeNull();
        store.ReadPolicyVersions(_site).Select(v => (v.Version, v.Text)).ShouldBe([(2L, ""), (1L, "")]);
        store.ReadPolicyVersions(_site, 2).ShouldHaveSingleItem().Text.ShouldBe("text b2");
        store.ReadActivations(_site).Select(a => (a.Activation, a.Version, a.Rollback)).ShouldBe([(1L, 1L, false), (2L, 2L, false), (3L, 1L, true)]);
        var actions = store.ReadHubActions(0, 10_000).Where(a => a.Target == _site).ToList();
        actions.Select(a => a.Detail).ShouldBe(["activation 1", "activation 2", "activation 3"]);
        actions.Select(a => a.Seq).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public void Approvals_RequestedDecidedResolved_ReadByStateAndOnce()
    {
        var chain = new TestChain(_node, _site);
        chain.Next(3);
        var id = "ap-" + _node;
        using var store = Open();
        store.Append(_node, _site, HeadOf(chain, 0), ToStore(chain.Range(1, 1)), 3, DateTime.UtcNow,
            [new NodeReports.ApprovalRequested(_node, _site, 1, 1_000, id, "dev", "rule", "open", "operator", 0, "t0", "d", "5m", "deny", "deny")]);

        store.ReadApprovals(ApprovalState.Pending, _site, null, 10).ShouldHaveSingleItem().Id.ShouldBe(id);
        store.ReadApprovals(null, null, _node, 10).ShouldHaveSingleItem();
        store.ReadApprovals(ApprovalState.Decided, _site, null, 10).ShouldBeEmpty();
        store.DecideApproval(id, true, "bob", "ok", 2_000, a => new HubActionDraft("bob", HubActionDraft.ApprovalApprove, a.Id, "")).Status
            .ShouldBe(ApprovalDecisionStatus.Decided);
        store.DecideApproval(id, false, "eve", "no", 2_001, a => new HubActionDraft("eve", HubActionDraft.ApprovalDeny, a.Id, "")).Status
            .ShouldBe(ApprovalDecisionStatus.AlreadyDecided);
        store.DecideApproval("no-such", true, "bob", "", 2_002, a => new HubActionDraft("bob", "", "", "")).Status
            .ShouldBe(ApprovalDecisionStatus.NotFound);
        store.ReadUndeliveredDecisions(_node).ShouldHaveSingleItem().Decision!.By.ShouldBe("bob");

        store.Append(_node, _site, HeadOf(chain, 1), ToStore(chain.Range(2, 2)), 3, DateTime.UtcNow,
            [new NodeReports.ApprovalResolved(_node, _site, 2, 3_000, id, new NodeResolution("granted", "bob", "ok", "t1", true))]);

        var resolved = store.ReadApprovals(ApprovalState.Resolved, _site, _node, 10).ShouldHaveSingleItem();
        (resolved.ResolvedSeq, resolved.Resolution!.Outcome, resolved.Decision!.Late).ShouldBe((2L, "granted", false));
        store.ReadUndeliveredDecisions(_node).ShouldBeEmpty();
        // The records it belongs to: the one that asked (1), the one that settled it (2), the reading that caused it (0).
        store.ReadApprovalsOfRecord(_node, "dev", 1, null).ShouldHaveSingleItem().Id.ShouldBe(id);
        store.ReadApprovalsOfRecord(_node, "dev", 2, null).ShouldHaveSingleItem().Id.ShouldBe(id);
        store.ReadApprovalsOfRecord(_node, "dev", 3, 0).ShouldHaveSingleItem().Id.ShouldBe(id);
        store.ReadApprovalsOfRecord(_node, "dev", 3, 7).ShouldBeEmpty();
        store.ReadApprovalsOfRecord(_node, "other", 1, null).ShouldBeEmpty();
    }

    [Fact]
    public void Approvals_SettledByTheSiteMemberThatTookTheDeviceOver_IndexedUnderThatMember()
    {
        // Member A asks; A dies; member B of the same site takes the device over and settles the approval in its own
        // journal. A node of another site naming the approval settles nothing.
        var a = new TestChain(_node, _site);
        var memberB = _node + "-b";
        var b = new TestChain(memberB, _site);
        var stranger = _node + "-x";
        var x = new TestChain(stranger, "other-" + _site);
        a.Next(1);
        b.Next(4);
        x.Next(1);
        var id = "ap-takeover-" + _node;
        using var store = Open();
        store.Append(_node, _site, HeadOf(a, 0), ToStore(a.Range(1, 1)), 1, DateTime.UtcNow,
            [new NodeReports.ApprovalRequested(_node, _site, 1, 1_000, id, "dev", "rule", "open", "operator", 0, "t0", "d", "5m", "deny", "deny")]);
        store.Append(stranger, x.SiteId, HeadOf(x, 0), ToStore(x.Range(1, 1)), 1, DateTime.UtcNow,
            [new NodeReports.ApprovalResolved(stranger, x.SiteId, 1, 1_500, id, new NodeResolution("granted", "eve", "", "t1", true))]);
        store.ReadApprovals(ApprovalState.Pending, _site, null, 10).ShouldHaveSingleItem().Id.ShouldBe(id);

        store.Append(memberB, _site, HeadOf(b, 0), ToStore(b.Range(1, 4)), 4, DateTime.UtcNow,
            [new NodeReports.ApprovalResolved(memberB, _site, 4, 2_000, id, new NodeResolution("timed-out", "", "", "t2", false))]);

        var resolved = store.ReadApprovals(ApprovalState.Resolved, _site, null, 10).ShouldHaveSingleItem();
        (resolved.NodeId, resolved.ResolvedBy, resolved.ResolvedSeq, resolved.Resolution!.Outcome).ShouldBe((_node, memberB, 4L, "timed-out"));
        store.ReadApprovalsOfRecord(memberB, "dev", 4, null).ShouldHaveSingleItem().Id.ShouldBe(id);
        store.ReadApprovalsOfRecord(_node, "dev", 4, null).ShouldBeEmpty();
        store.ReadApprovalsOfRecord(_node, "dev", 1, null).ShouldHaveSingleItem().Id.ShouldBe(id);
    }

    [Fact]
    public void NodePolicies_ActivatedThenRejectedThenNewer_RejectionClearedByNewerActivation()
    {
        var chain = new TestChain(_node, _site);
        chain.Next(3);
        using var store = Open();
        store.Append(_node, _site, HeadOf(chain, 0), ToStore(chain.Range(1, 2)), 3, DateTime.UtcNow,
            [new NodeReports.PolicyActivated(_node, _site, 1, 1_000, 1, "a1"), new NodeReports.PolicyRejected(_node, _site, 2, 2_000, 2, "b2", "bad")]);

        var node = store.ReadNodePolicies(_site).ShouldHaveSingleItem();
        (node.Version, node.Rejected!.Version, node.Rejected.Reason).ShouldBe((1L, 2L, "bad"));

        store.Append(_node, _site, HeadOf(chain, 2), ToStore(chain.Range(3, 3)), 3, DateTime.UtcNow,
            [new NodeReports.PolicyActivated(_node, _site, 3, 3_000, 2, "b2")]);
        node = store.ReadNodePolicies(_site).ShouldHaveSingleItem();
        (node.Version, node.AtMs, node.Rejected).ShouldBe((2L, (long?)3_000, (NodePolicyRejection?)null));
    }

    [Fact]
    public void MergeSiteState_NewEntries_VersionedAndReadFromCursor()
    {
        using var store = Open();
        SiteEntry Alarm(string device) => new AlarmsEntry($"alarms/{device}", OrSet<string>.Empty.Add("edge-a", "overheat"));

        var (changed, cursor) = store.MergeSiteState(_site, [Alarm("dev-1"), Alarm("dev-2")], 0, 100);
        (changed.Count, cursor).ShouldBe((2, 2L));
        (changed, cursor) = store.MergeSiteState(_site, [Alarm("dev-3")], 2, 100);
        changed.ShouldHaveSingleItem().Key.ShouldBe("alarms/dev-3");
        cursor.ShouldBe(3);
        store.MergeSiteState(_site, [], 1, 1).Changed.ShouldHaveSingleItem().Key.ShouldBe("alarms/dev-2");
        store.ReadSiteState(_site).Select(e => e.Key).ShouldBe(["alarms/dev-1", "alarms/dev-2", "alarms/dev-3"]);
    }

    private StoredPolicyVersion Policy(long version, string sha) =>
        new(_site, version, sha, "policy.yaml", $"text {sha}", 1_000 + version, "alice");

    private static HubActionDraft Action(StoredActivation a) =>
        new(a.By, a.Rollback ? HubActionDraft.PolicyRollback : HubActionDraft.PolicyPush, a.Site, $"activation {a.Activation}");
}
