using Mesh.Node.Audit;
using Mesh.Node.Sync;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Topics;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mesh.Node.Tests.Sync;

/// <summary>The node's JetStream publisher against a real nats-server: where it resumes, and what survives failures.</summary>
public sealed class NatsAuditPublisherTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly JournalFixture _fx = new();
    private readonly NodeStats _stats = new();
    private NatsServer _nats = null!;

    private static string Subject => NatsSubjects.Subject(TestPolicies.Site, "edge-1");

    private static string Stream => NatsSubjects.Stream(TestPolicies.Site);

    private string CursorPath => Path.Combine(_fx.Directory, NatsSyncCursor.FileName);

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _fx.DisposeAsync();
        _nats.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restart_StreamHoldsTheRecords_ResumesAfterTheLastAndRepublishesNone(bool keepCursor)
    {
        await AppendAsync(50);
        await using (var first = await StartAsync())
            await Poll.UntilAsync(() => first.Publisher.Acked == 50, Timeout, "the first run publishes 50 records");
        if (!keepCursor)
            File.Delete(CursorPath);
        await AppendAsync(20);

        await using var second = await StartAsync();

        await Poll.UntilAsync(() => second.Publisher.Acked == 70, Timeout, "the second run publishes the 20 new records");
        second.Publisher.Published.ShouldBe(20, "records already in the stream are not published again");
        _stats.HubAcked.ShouldBe(70);
        (await StreamRecordsAsync()).ShouldBe(Enumerable.Range(1, 70).Select(i => (long)i));
        _fx.Logs.ShouldHaveNoErrors();
    }

    [Fact]
    public async Task Restart_CrashLeftAHoleInTheInFlightWindow_RepublishesFromTheCursorAndFillsIt()
    {
        await AppendAsync(50);
        // As a crash can leave it: records 41..50 acknowledged, 40 lost on the way, the cursor saved at 39.
        var rows = ReadJournal();
        await using (var nats = new NatsConnection(new NatsOpts { Url = _nats.Url }))
        {
            var js = new NatsJSContext(nats);
            await js.CreateStreamAsync(new StreamConfig(Stream, [NatsSubjects.SiteSubjects(TestPolicies.Site)]) { DuplicateWindow = TimeSpan.FromMinutes(2) });
            foreach (var row in rows.Where(r => r.Seq != 40))
                (await js.PublishAsync(Subject, row.Canonical, NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = NatsSubjects.MsgId("edge-1", row.Seq) })).Error.ShouldBeNull();
        }
        await File.WriteAllTextAsync(CursorPath, "39 39\n");

        await using var publisher = await StartAsync();

        await Poll.UntilAsync(() => publisher.Publisher.Acked == 50, Timeout, "the publisher confirms all 50");
        publisher.Publisher.Published.ShouldBe(11, "from the cursor on: 40 fills the hole, 41..50 are dropped by the stream as duplicates");
        (await StreamRecordsAsync()).Order().ShouldBe(Enumerable.Range(1, 50).Select(i => (long)i));
    }

    [Fact]
    public async Task ServerRestart_WhileRecordsArrive_BacksOffThenResumesWithoutLossOrDuplicates()
    {
        await using var running = await StartAsync();
        await AppendAsync(30);
        await Poll.UntilAsync(() => running.Publisher.Acked == 30, Timeout, "the first 30 records are published");

        _nats.Stop();
        await AppendAsync(30);
        await Poll.UntilAsync(() => _stats.SyncFailures > 0, Timeout, "the publisher notices and backs off");
        _fx.Journal.Head.ShouldBe(60, "ingest never waits for NATS");
        running.Publisher.Acked.ShouldBe(30);
        await _nats.StartAsync(TimeSpan.FromSeconds(20));
        await AppendAsync(10);

        await Poll.UntilAsync(() => running.Publisher.Acked == 70, Timeout, "the publisher resumes once the server is back");
        (await StreamRecordsAsync()).ShouldBe(Enumerable.Range(1, 70).Select(i => (long)i));
        _fx.Logs.Entries.ShouldContain(e => e.Id.Id == 3102, "the failure was logged with its back-off");
    }

    private async Task<Running> StartAsync()
    {
        var options = Options.Create(new NodeOptions
        {
            NodeId = "edge-1",
            Site = TestPolicies.Site,
            DataDirectory = _fx.Directory,
            Sync = new SyncOptions
            {
                Transport = SyncTransport.Nats,
                NatsUrl = _nats.Url,
                BatchSize = 8,
                MaxBatchesInFlight = 2,
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(500),
            },
        });
        var publisher = new NatsAuditPublisher(options, new HubChannel(options), _fx.Journal, _stats, _fx.Logs.For<NatsAuditPublisher>());
        await publisher.StartAsync(CancellationToken.None);
        return new Running(publisher);
    }

    private async Task AppendAsync(int count)
    {
        var from = _fx.Journal.Head;
        await _fx.Journal.AppendAsync([.. Enumerable.Range(1, count).Select(i =>
            new AuditDraft(AuditKind.Observation, "dev-1", $"dev-1#{from + i}", new byte[32], AuditRoute.None, "rules/x", "", "", "accepted", "{}"))]);
    }

    private List<StoredRecord> ReadJournal()
    {
        using var c = AuditJournalStore.OpenReader(_fx.JournalPath);
        return AuditJournalStore.ReadAfter(c, 0, 100_000);
    }

    /// <summary>The record sequences of this node's messages, in stream order.</summary>
    private async Task<List<long>> StreamRecordsAsync()
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var stream = await new NatsJSContext(nats).GetStreamAsync(Stream);
        var records = new List<long>();
        for (var seq = stream.Info.State.FirstSeq; seq <= stream.Info.State.LastSeq && seq > 0; seq++)
        {
            var message = (await stream.GetAsync(new StreamMsgGetRequest { Seq = seq })).Message;
            if (message.Subject == Subject)
                records.Add(AuditRecordCodec.Decode(message.Data.Span).Sequence);
        }
        return records;
    }

    private sealed class Running(NatsAuditPublisher publisher) : IAsyncDisposable
    {
        public NatsAuditPublisher Publisher => publisher;

        public async ValueTask DisposeAsync()
        {
            await publisher.StopAsync(CancellationToken.None);
            publisher.Dispose();
        }
    }
}
