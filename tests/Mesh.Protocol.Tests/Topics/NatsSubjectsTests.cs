using Mesh.Protocol.Topics;

namespace Mesh.Protocol.Tests.Topics;

public class NatsSubjectsTests
{
    [Fact]
    public void Names_PlainIds_StayReadable()
    {
        NatsSubjects.Stream("site-a").ShouldBe("MESH_AUDIT_site-a");
        NatsSubjects.Subject("site-a", "edge-1").ShouldBe("mesh.audit.site-a.edge-1");
        NatsSubjects.SiteSubjects("site-a").ShouldBe("mesh.audit.site-a.*");
        NatsSubjects.MsgId("edge-1", 42).ShouldBe("edge-1:42");
    }

    [Fact]
    public void BatchMsgId_NamesTheRunOfRecords()
    {
        NatsSubjects.BatchMsgId("edge-1", 1, 128).ShouldBe("edge-1:1-128");
        NatsSubjects.BatchMsgId("edge-1", 7, 7).ShouldBe("edge-1:7-7");
        NatsSubjects.BatchMsgId("edge-1", 1, 128).ShouldNotBe(NatsSubjects.BatchMsgId("edge-1", 1, 127), "other boundaries, another id");
    }

    [Theory]
    [InlineData("branch.7", "branch_2E7")]
    [InlineData("a_b", "a_5Fb")]
    [InlineData("x*>y", "x_2A_3Ey")]
    [InlineData("café", "caf_C3_A9")]
    public void Token_ReservedCharacters_EncodedAndDecodedBack(string id, string token)
    {
        NatsSubjects.Token(id).ShouldBe(token);
        NatsSubjects.TryDecodeToken(token, out var back).ShouldBeTrue();
        back.ShouldBe(id);
    }

    [Fact]
    public void TryParseSubject_EncodedIds_ReturnsSiteAndNode()
    {
        var subject = NatsSubjects.Subject("branch.7", "node_1");

        NatsSubjects.TryParseSubject(subject, out var site, out var node).ShouldBeTrue();

        site.ShouldBe("branch.7");
        node.ShouldBe("node_1");
        NatsSubjects.TryParseStream(NatsSubjects.Stream("branch.7"), out var streamSite).ShouldBeTrue();
        streamSite.ShouldBe("branch.7");
    }

    [Theory]
    [InlineData("MESH_AUDIT_")]
    [InlineData("MESH_AUDIT_a_2e")]
    [InlineData("MESH_AUDIT_a_2")]
    [InlineData("MESH_AUDIT_a_41")]
    [InlineData("OTHER_site-a")]
    public void TryParseStream_NotACanonicalName_False(string stream)
    {
        NatsSubjects.TryParseStream(stream, out _).ShouldBeFalse();
    }

    [Fact]
    public void Check_IdEncodingTooLong_NamesTheLimit()
    {
        NatsSubjects.Check(new string('a', 128)).ShouldBeNull();
        NatsSubjects.Check(new string('.', 100)).ShouldNotBeNull().ShouldContain("limit is 200");
    }
}
