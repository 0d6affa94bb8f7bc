using Mesh.Hub.Enrollment;

namespace Mesh.Hub.Tests.Enrollment;

public sealed class NodeAccessTests
{
    private static readonly NodeCaller EdgeA = new("edge-a", "site-a", "01");

    [Fact]
    public void Check_OwnNodeAndSite_Allowed() => NodeAccess.Check(EdgeA, "edge-a", "site-a", NodeAccess.PushAudit).ShouldBeNull();

    [Fact]
    public void Check_OtherNode_RefusedNamingBoth() =>
        NodeAccess.Check(EdgeA, "edge-b", "site-a", NodeAccess.PushAudit)
            .ShouldBe("this connection's certificate is node 'edge-a' of site 'site-a'; it may not push the audit stream of node 'edge-b'");

    [Fact]
    public void Check_OwnNodeOtherSite_Refused() =>
        NodeAccess.Check(EdgeA, "edge-a", "site-b", NodeAccess.Watch)
            .ShouldBe("this connection's certificate is node 'edge-a' of site 'site-a'; it may not watch the policy and control stream of site 'site-b'");

    [Fact]
    public void Check_CaseDiffers_Refused() => NodeAccess.Check(EdgeA, "EDGE-A", "site-a", NodeAccess.Gossip).ShouldNotBeNull();
}
