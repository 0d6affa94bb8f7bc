using Mesh.Node.Audit;
using Mesh.Node.Devices;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Tests.Devices;

/// <summary>Refusals are all counted, but only so many a minute are logged and audited, each distinct one once.</summary>
public sealed class AccessRefusalsTests : IAsyncDisposable
{
    private readonly JournalFixture _journal = new();
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly LogSink _logs = new();

    private AccessRefusals Refusals(int limit) => new(
        Options.Create(new NodeOptions { NodeId = "edge-1", Site = TestPolicies.Site, Devices = new DeviceAccessOptions { MaxAuditedRefusalsPerMinute = limit } }),
        _journal.Journal, _time, _logs.For<AccessRefusals>());

    private long Audited()
    {
        using var c = AuditJournalStore.OpenReader(_journal.JournalPath);
        return AuditJournalStore.Count(c, AuditKind.Rejected);
    }

    [Fact]
    public async Task Flood_BeyondTheMinutesLimit_CountedNotAuditedThenSummedUp()
    {
        var refusals = Refusals(limit: 5);

        for (var i = 0; i < 20; i++)
            await refusals.RecordAsync("publish", "NotAuthorized", "rogue", "rogue", $"mesh/{TestPolicies.Site}/dev-{i}/telemetry", null, "outside its ACL", new byte[] { 1, 2 });

        refusals.Publishes.ShouldBe(20);
        refusals.Total.ShouldBe(20);
        Audited().ShouldBe(5);
        _logs.Entries.Count(e => e.Id.Id == 7603).ShouldBe(5);

        _time.Advance(TimeSpan.FromMinutes(1));
        await refusals.RecordAsync("connect", "NotAuthorized", "x", "x", "", "127.0.0.1:5000", "wrong password", ReadOnlyMemory<byte>.Empty);

        _logs.Entries.ShouldContain(e => e.Id.Id == 7604 && e.Message.StartsWith("15 more device refusal(s)"));
        refusals.Connects.ShouldBe(1);
        Audited().ShouldBe(6);
    }

    [Fact]
    public async Task SameRefusalRepeated_AuditedOnce()
    {
        var refusals = Refusals(limit: 60);

        for (var i = 0; i < 10; i++)
            await refusals.RecordAsync("subscribe", "NotAuthorized", "dev-1", "dev-1", "#", null, "may subscribe only to its own", ReadOnlyMemory<byte>.Empty);

        refusals.Subscriptions.ShouldBe(10);
        Audited().ShouldBe(1);
    }

    public async ValueTask DisposeAsync() => await _journal.DisposeAsync();
}
