using Mesh.Node.Sync;

namespace Mesh.Node.Tests.Sync;

public sealed class NatsSyncOptionsTests
{
    private static NodeOptions With(SyncOptions sync, string site = "site-a") => new() { NodeId = "edge-1", Site = site, Sync = sync };

    [Fact]
    public void Validate_NatsWithUrl_Succeeds()
    {
        new NodeOptionsValidator().Validate(null, With(new SyncOptions { Transport = SyncTransport.Nats, NatsUrl = "nats://127.0.0.1:4222" }))
            .Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("", "Node:Sync:NatsUrl is required")]
    [InlineData("http://127.0.0.1:4222", "Node:Sync:NatsUrl 'http://127.0.0.1:4222' is not a nats://")]
    public void Validate_NatsWithoutUsableUrl_FailsNamingTheKey(string url, string message)
    {
        var result = new NodeOptionsValidator().Validate(null, With(new SyncOptions { Transport = SyncTransport.Nats, NatsUrl = url }));

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain(message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Validate_RecordsPerMessageOutOfRange_FailsNamingTheKey(int perMessage)
    {
        var result = new NodeOptionsValidator().Validate(null, With(new SyncOptions
        {
            Transport = SyncTransport.Nats, NatsUrl = "nats://127.0.0.1:4222", NatsRecordsPerMessage = perMessage,
        }));

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain($"Node:Sync:NatsRecordsPerMessage {perMessage} must be within 1..1000");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void Validate_RecordsPerMessageAtTheLimits_Succeeds(int perMessage)
    {
        new NodeOptionsValidator().Validate(null, With(new SyncOptions
        {
            Transport = SyncTransport.Nats, NatsUrl = "nats://127.0.0.1:4222", NatsRecordsPerMessage = perMessage,
        })).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_SiteTooLongForAStreamName_FailsNamingTheKey()
    {
        var site = new string('.', 100);

        var result = new NodeOptionsValidator().Validate(null, With(new SyncOptions { Transport = SyncTransport.Nats, NatsUrl = "nats://127.0.0.1:4222" }, site));

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain("Node:Site");
        result.FailureMessage.ShouldContain("JetStream stream");
    }

    [Theory]
    [InlineData("mesh.audit.site-a.*", "mesh.audit.site-a.edge-1", true)]
    [InlineData("mesh.audit.>", "mesh.audit.site-a.edge-1", true)]
    [InlineData("mesh.audit.site-a.edge-1", "mesh.audit.site-a.edge-1", true)]
    [InlineData("mesh.audit.site-b.*", "mesh.audit.site-a.edge-1", false)]
    [InlineData("mesh.audit.*", "mesh.audit.site-a.edge-1", false)]
    public void Covers_SubjectFilter_MatchesAsNatsDoes(string filter, string subject, bool covers)
    {
        NatsAuditPublisher.Covers(filter, subject).ShouldBe(covers);
    }
}
