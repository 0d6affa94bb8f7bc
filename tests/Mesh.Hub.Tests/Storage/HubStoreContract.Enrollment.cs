using Mesh.Hub.Storage;

namespace Mesh.Hub.Tests.Storage;

public abstract partial class HubStoreContract
{
    private StoredCertificate Certificate(string serial, string node, string site, long at) =>
        new(serial, node, site, [1, 2, 3], at - 1000, at + 60_000, at, null, null);

    [Fact]
    public void EnrollmentToken_UsedOnce_SecondUseRefusedAndNothingChanges()
    {
        using var store = Open();
        var hash = "tok-" + Guid.NewGuid().ToString("N");
        store.CreateEnrollmentToken(hash, _node, _site, 1_000, 10_000, new HubActionDraft("alice", "node.token", _node, "{}"));
        var issued = 0;
        var first = store.UseEnrollmentToken(hash, 2_000, (node, site) => { issued++; return Certificate("AA" + _node, node, site, 2_000); },
            c => new HubActionDraft("node:" + c.NodeId, "node.enroll", c.NodeId, "{}"));
        first.Outcome.ShouldBe(TokenUse.Enrolled);
        (first.NodeId, first.Site, first.Certificate!.Serial).ShouldBe((_node, _site, "AA" + _node));

        var again = store.UseEnrollmentToken(hash, 3_000, (node, site) => { issued++; return Certificate("BB" + _node, node, site, 3_000); },
            c => new HubActionDraft("node:" + c.NodeId, "node.enroll", c.NodeId, "{}"));
        (again.Outcome, again.UsedAtMs).ShouldBe((TokenUse.Used, 2_000L));
        issued.ShouldBe(1);
        store.ReadNodeCertificates(_node).Select(c => c.Serial).ShouldBe(["AA" + _node]);
    }

    [Fact]
    public void EnrollmentToken_ExpiredOrUnknown_RefusedWithoutIssuing()
    {
        using var store = Open();
        var hash = "tok-" + Guid.NewGuid().ToString("N");
        store.CreateEnrollmentToken(hash, _node, _site, 1_000, 10_000, new HubActionDraft("alice", "node.token", _node, "{}"));
        StoredCertificate Fail(string node, string site) => throw new InvalidOperationException("must not issue");
        var expired = store.UseEnrollmentToken(hash, 10_000, Fail, c => throw new InvalidOperationException());
        (expired.Outcome, expired.ExpiresAtMs).ShouldBe((TokenUse.Expired, 10_000L));
        store.UseEnrollmentToken("tok-unknown-" + _node, 2_000, Fail, c => throw new InvalidOperationException()).Outcome.ShouldBe(TokenUse.Unknown);
        store.ReadNodeCertificates(_node).ShouldBeEmpty();
    }

    [Fact]
    public void RevokeNode_RevokesAllItsCertificates_LogsOnce_SecondRevokeChangesNothing()
    {
        using var store = Open();
        var other = _node + "-other";
        store.RecordCertificate(Certificate("C3" + _node, other, _site, 5_000), new HubActionDraft("node:" + other, "node.enroll", other, "{}"));
        store.RecordCertificate(Certificate("C1" + _node, _node, _site, 5_000), new HubActionDraft("node:" + _node, "node.enroll", _node, "{}"));
        store.RecordCertificate(Certificate("C2" + _node, _node, _site, 6_000), new HubActionDraft("node:" + _node, "node.renew", _node, "{}"));
        store.RevokeNodeCertificates(_node, 7_000, new HubActionDraft("alice", "node.revoke", _node, "{}")).ShouldBe(["C1" + _node, "C2" + _node]);
        store.RevokeNodeCertificates(_node, 8_000, new HubActionDraft("alice", "node.revoke", _node, "{}")).ShouldBeEmpty();

        var revoked = store.ReadRevokedCertificates();
        revoked.ShouldContain(new RevokedCertificate("C1" + _node, _node));
        revoked.ShouldContain(new RevokedCertificate("C2" + _node, _node));
        revoked.ShouldNotContain(c => c.Serial == "C3" + _node, "another node's certificate in force is not revoked");
        store.ReadNodeCertificates(_node).ShouldAllBe(c => c.RevokedAtMs == 7_000 && c.RevokedBy == "alice");
        var logged = store.ReadHubActions(0, 1_000_000).Where(a => a.Target == _node).Select(a => a.Action).ToList();
        logged.ShouldBe(["node.enroll", "node.renew", "node.revoke"]);
    }
}
