using Microsoft.Extensions.Logging;
using System.Diagnostics;
using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Topics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Tests.Sync.Nats;

/// <summary>The hub's JetStream consumer against a real nats-server: records published to a site's stream as a node
/// publishes them end up verified in the hub's store, whatever order, repetition or gaps the stream holds. The tests in
/// this file publish one-record messages (as nodes did before batches); NatsAuditConsumerTests.Batches.cs publishes batches.</summary>
public sealed partial class NatsAuditConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private NatsServer _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public Task DisposeAsync()
    {
        _nats.Dispose();
        return Task.CompletedTask;
    }

    private Task<HubHarness> StartHubAsync(params string[] extra) =>
        HubHarness.StartAsync([$"--Hub:Nats:Url={_nats.Url}", "--Hub:Nats:DiscoverInterval=00:00:00.2", .. extra]);

    private static Task WaitForHeadAsync(HubHarness hub, long seq, string? what = null) =>
        Poll.UntilAsync(() => hub.StoredNode()?.LastSeq == seq, Timeout,
            () => $"{what ?? $"the hub stores up to record {seq}"} (it stores up to {hub.StoredNode()?.LastSeq.ToString() ?? "nothing"})");

    [Fact]
    public async Task Records_PublishedToSiteStream_StoredAndVerifiedAtHub()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        await using var hub = await StartHubAsync();

        await writer.PublishAsync(chain.Next(40), head: 50);

        await WaitForHeadAsync(hub, 40);
        var node = await hub.NodeAsync();
        node.Site.ShouldBe(TestChain.Site);
        node.HeadSeq.ShouldBe(50);
        node.LastHash.ShouldBe(Convert.ToHexStringLower(chain[40].Hash.Span));
        var page = await hub.AuditAsync();
        page.Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 40).Select(i => (long)i));
        ChainVerifier.Verify(page.Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
        await Poll.UntilAsync(async () => (await writer.ConsumerAsync()).AckFloor.StreamSeq == 40, Timeout, "every message acknowledged");
    }

    [Fact]
    public async Task Republished_SameMsgIdOrBeyondDedupeWindow_StoredOnce()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        await writer.PublishAsync(chain.Next(10));

        var again = await writer.PublishAsync(chain.Range(1, 10));
        // After the stream's duplicate window the same records come with new ids and are stored in the stream twice.
        await writer.PublishAsync(chain.Range(4, 10), r => $"{r.NodeId}:{r.Sequence}:late");
        await writer.PublishAsync(chain.Next(2));
        await using var hub = await StartHubAsync();

        again.ShouldAllBe(ack => ack.Duplicate);
        await WaitForHeadAsync(hub, 12);
        await Poll.UntilAsync(async () => (await writer.ConsumerAsync()).AckFloor.StreamSeq == 19, Timeout, "all 19 messages acknowledged");
        (await hub.AuditAsync()).Records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 12).Select(i => (long)i));
        hub.Logs.Entries.ShouldNotContain(e => e.EventId.Id == 62, "an identical resend is acknowledged, not refused");
    }

    [Fact]
    public async Task Gap_RecordsAfterMissingOne_HeldUntilItArrives()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        chain.Next(8);
        await using var hub = await StartHubAsync("--Hub:Nats:GapRetryDelay=00:00:00.2");

        await writer.PublishAsync(chain.Range(1, 3).Concat(chain.Range(5, 8)));

        await WaitForHeadAsync(hub, 3);
        await Poll.UntilAsync(() => hub.Logs.Entries.Any(e => e.EventId.Id == 63 && e.Message.Contains("holds up to 3 but") && e.Message.Contains("delivered 5..")), Timeout, "the gap is reported");
        await Poll.UntilAsync(async () => (await writer.ConsumerAsync()).NumRedelivered > 0, Timeout, "records after the gap come again");
        hub.StoredNode()!.LastSeq.ShouldBe(3);

        await writer.PublishAsync([chain[4]]);

        await WaitForHeadAsync(hub, 8, "the held records are stored once the gap is filled");
        ChainVerifier.Verify((await hub.AuditAsync()).Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
    }

    [Theory]
    [InlineData("altered")]
    [InlineData("other-site")]
    public async Task Forged_RecordRefused_NamedAndHeadStays(string forgery)
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        await using var hub = await StartHubAsync();
        await writer.PublishAsync(chain.Next(3));
        await WaitForHeadAsync(hub, 3);
        var real = chain.Next(1)[0];

        var forged = forgery == "altered" ? real with { Body = "{\"cooling\":\"off\"}" } : (real with { Site = "site-b" }).Seal();
        await writer.PublishRawAsync(NatsSubjects.Subject(TestChain.Site, TestChain.Node), AuditRecordCodec.Encode(forged),
            NatsJournalWriter.Headers(forged.Hash.Span, 4), NatsSubjects.MsgId(TestChain.Node, 4));

        var problem = forgery == "altered" ? "HashMismatch" : "WrongSite";
        await Poll.UntilAsync(() => hub.Logs.Entries.Any(e => e.EventId.Id == 62 && e.Message.Contains("node edge-1: record 4") && e.Message.Contains(problem)),
            Timeout, $"the refusal ({problem}) names node and sequence");
        await Poll.UntilAsync(async () => (await writer.ConsumerAsync()).AckFloor.StreamSeq == 4, Timeout, "the forged message is terminated, not redelivered");
        hub.StoredNode()!.LastSeq.ShouldBe(3);
        hub.StoredNode()!.LastHash.ShouldBe(chain[3].Hash.ToArray());

        // The real record 4 (the forgery took its message id, so it comes under another) continues the chain.
        await writer.PublishAsync([real, .. chain.Next(2)], r => $"{r.NodeId}:{r.Sequence}:real");
        await WaitForHeadAsync(hub, 6);
        ChainVerifier.Verify((await hub.AuditAsync()).Records.Select(ToRecord), nodeId: TestChain.Node).Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task HubStopped_RecordsPileUpInStream_RestartDrainsThemAll()
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        await using var hub = await StartHubAsync();
        await writer.PublishAsync(chain.Next(100));
        await WaitForHeadAsync(hub, 100);

        await hub.RestartAsync(async () =>
        {
            for (var i = 0; i < 5; i++)
                await writer.PublishAsync(chain.Next(1000));
        });

        await WaitForHeadAsync(hub, 5100, "the hub drains the backlog after its restart");
        var page = await hub.AuditAsync(after: 5000);
        page.Records.Count.ShouldBe(100);
        page.Records[^1].Hash.ShouldBe(Convert.ToHexStringLower(chain[5100].Hash.Span));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task ConsumerStoppedMidBatch_NextConsumerGetsTheRestLongBeforeAckWait(int perMessage)
    {
        await using var writer = await NatsJournalWriter.StartAsync(_nats.Url);
        var chain = new TestChain();
        for (var i = 0; i < 20; i++)
        {
            if (perMessage == 1)
                await writer.PublishAsync(chain.Next(1000));
            else
                await writer.PublishBatchesAsync(chain.Next(1000), perMessage);
        }
        // Fetches of 1000 applied 20 at a time: a stop lands inside a fetched batch.
        string[] args = ["--Hub:Nats:AckWait=00:01:00", "--Hub:Nats:FetchBatch=1000", "--Hub:MaxBatchRecords=20"];
        await using var hub = await StartHubAsync(args);
        await Poll.UntilAsync(() => hub.StoredNode()?.LastSeq >= 1000, Timeout, "the first hub is storing");

        long storedByFirst = 0;
        var first = hub.Logs;
        var clock = new Stopwatch();
        await hub.RestartAsync(() =>
        {
            using (var store = new HubStore(Options.Create(new HubOptions { DataPath = hub.DataPath }), NullLogger<HubStore>.Instance))
                storedByFirst = store.FindNode(TestChain.Node)!.LastSeq;
            clock.Start();
        });

        storedByFirst.ShouldBeLessThan(20_000, "the first hub must stop while records remain, or this test proves nothing");
        await Poll.UntilAsync(() => hub.StoredNode()?.LastSeq == 20_000, Timeout,
            () => $"the second hub gets what the first fetched and did not store (it stores up to {hub.StoredNode()?.LastSeq}); the first hub said:\n"
                  + string.Join("\n", first.Entries.Where(e => e.Level >= LogLevel.Warning)));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "nothing waited for the 60 s AckWait");
        await Poll.UntilAsync(async () => (await writer.ConsumerAsync()).NumAckPending == 0, Timeout, "nothing left unacknowledged");
    }

    private static AuditRecord ToRecord(AuditRecordDto dto) =>
        AuditRecordCodec.Decode(Convert.FromBase64String(dto.Canonical)) with { Hash = Convert.FromHexString(dto.Hash) };
}
