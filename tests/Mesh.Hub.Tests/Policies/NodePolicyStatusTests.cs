using Mesh.Hub.Api;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Policies;

public sealed class NodePolicyStatusTests
{
    [Fact]
    public async Task Status_NodeSyncedPolicyActivated_ListsWhatTheNodeRuns()
    {
        await using var hub = await HubHarness.StartAsync();
        var pushed = await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        var chain = new TestChain();
        var activated = chain.Append(AuditKind.PolicyActivated, NodeBodies.PolicyActivated(TestChain.Site, 1, pushed.Sha256), "activated");

        await hub.SyncAsync(chain, activated);

        var node = (await hub.PolicyStatusAsync()).Nodes.Single();
        node.NodeId.ShouldBe(TestChain.Node);
        (node.Version, node.Sha256, node.Rejected).ShouldBe((1L, pushed.Sha256, null));
        node.At.ShouldBe(ApiTime.Format(TestChain.WallOf(activated.Sequence)));
    }

    [Fact]
    public async Task Status_NodeRejectedANewerVersion_ListsTheRejectionUntilItActivatesOneAsNew()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        var v1 = chain.Append(AuditKind.PolicyActivated, NodeBodies.PolicyActivated(TestChain.Site, 1, "aa"), "activated");
        var rejected = chain.Append(AuditKind.PolicyRejected, NodeBodies.PolicyRejected(TestChain.Site, 2, "bb"), "rule hot: unknown group 'coolers'");
        await hub.SyncAsync(chain, v1, rejected);

        var before = (await hub.PolicyStatusAsync()).Nodes.Single();
        await hub.SyncAsync(chain, chain.Append(AuditKind.PolicyActivated, NodeBodies.PolicyActivated(TestChain.Site, 3, "cc"), "activated"));
        var after = (await hub.PolicyStatusAsync()).Nodes.Single();

        before.Version.ShouldBe(1);
        before.Rejected.ShouldNotBeNull();
        (before.Rejected.Version, before.Rejected.Reason).ShouldBe((2L, "rule hot: unknown group 'coolers'"));
        before.Rejected.At.ShouldBe(ApiTime.Format(TestChain.WallOf(rejected.Sequence)));
        (after.Version, after.Sha256, after.Rejected).ShouldBe((3L, "cc", null));
    }

    [Fact]
    public async Task Status_NodeOnlyRejected_ListsVersionZeroAndTheRejection()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();

        await hub.SyncAsync(chain, chain.Append(AuditKind.PolicyRejected, NodeBodies.PolicyRejected(TestChain.Site, 0, ""), "not valid YAML"));

        var node = (await hub.PolicyStatusAsync()).Nodes.Single();
        (node.Version, node.Sha256, node.At).ShouldBe((0L, "", null));
        node.Rejected!.Reason.ShouldBe("not valid YAML");
    }

    [Fact]
    public async Task Status_NodeOfTheSiteThatReportedNothing_IsListedWithVersionZero()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        await hub.SyncAsync(chain, [.. chain.Next(2)]);
        var other = new TestChain("edge-9", "site-b");
        await hub.SyncAsync(other, [.. other.Next(1)]);

        var nodes = (await hub.PolicyStatusAsync()).Nodes;

        nodes.Select(n => (n.NodeId, n.Version, n.Rejected)).ShouldBe([(TestChain.Node, 0L, null)]);
    }
}
