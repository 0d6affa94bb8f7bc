using Google.Protobuf;
using Mesh.Node.Audit;
using Mesh.Node.Sync;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
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
        second.Publisher.PublishedRecords.ShouldBe(20, "records already in the stream are not published again");
        _stats.HubAcked.ShouldBe(70);
        (await StreamRecordsAsync()).ShouldBe(Enumerable.Range(1, 70).Select(i => (long)i));
        _fx.Logs.ShouldHaveNoErrors();
    }

    [Fact]
    public async Task Restart_StreamHoldsOneRecordMessages_ResumesAfterTheLastInBatches()
    {
        await AppendAsync(50);
        // A stream this node filled before it published batches: one record per message, no cursor.
        await using (var nats = new NatsConnection(new NatsOpts { Url = _nats.Url }))
        {
            var js = new NatsJSContext(nats);
            await js.CreateStreamAsync(new StreamConfig(Stream, [NatsSubjects.SiteSubjects(TestPolicies.Site)]) { DuplicateWindow = TimeSpan.FromMinutes(2) });
            foreach (var row in ReadJournal())
                (await js.PublishAsync(Subject, row.Canonical, NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = NatsSubjects.MsgId("edge-1", row.Seq) })).Error.ShouldBeNull();
        }
        await AppendAsync(20);

        await using var publisher = await StartAsync();

        await Poll.UntilAsync(() => publisher.Publisher.Acked == 70, Timeout, "the publisher confirms all 70");
        publisher.Publisher.PublishedRecords.ShouldBe(20, "it resumed after the last one-record message");
        var messages = await StreamMessagesAsync();
        messages.Take(50).ShouldAllBe(m => m.Records.Count == 1);
        messages.Skip(50).ShouldAllBe(m => m.Records.Count <= 5, "51..70 follow in batches of at most NatsRecordsPerMessage");
        messages.SelectMany(m => m.Records).ShouldBe(Enumerable.Range(1, 70).Select(i => (long)i));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restart_CrashLeftAHoleInTheInFlightWindow_RepublishesFromTheCursorAndFillsIt(bool sameBoundaries)
    {
        await AppendAsync(50);
        // As a crash can leave it: the messages up to 39 and after 44 acknowledged, 40..44 lost on the way, the cursor
        // saved at 39. From the cursor the publisher reads 40..47, then 48..50, and sends 40-44, 45-47, 48-50: the same
        // runs as before the crash, or other ones (a different read size, say).
        var rows = ReadJournal();
        List<(long First, long Last)> before = sameBoundaries ? [(45, 47), (48, 50)] : [(45, 46), (47, 50)];
        ulong cursorStreamSeq = 0;
        await using (var nats = new NatsConnection(new NatsOpts { Url = _nats.Url }))
        {
            var js = new NatsJSContext(nats);
            await js.CreateStreamAsync(new StreamConfig(Stream, [NatsSubjects.SiteSubjects(TestPolicies.Site)]) { DuplicateWindow = TimeSpan.FromMinutes(2) });
            foreach (var (first, last) in Runs(1, 39, 5).Concat(before))
            {
                var ack = await js.PublishAsync(Subject, BatchBody(rows, first, last), NatsRawSerializer<byte[]>.Default,
                    new NatsJSPubOpts { MsgId = NatsSubjects.BatchMsgId("edge-1", first, last) },
                    new NatsHeaders { [NatsSubjects.FormatHeader] = NatsSubjects.BatchFormat });
                ack.Error.ShouldBeNull();
                if (last == 39)
                    cursorStreamSeq = ack.Seq;
            }
        }
        await File.WriteAllTextAsync(CursorPath, $"39 {cursorStreamSeq}\n");

        await using var publisher = await StartAsync();

        await Poll.UntilAsync(() => publisher.Publisher.Acked == 50, Timeout, "the publisher confirms all 50");
        publisher.Publisher.PublishedRecords.ShouldBe(11, "from the cursor on");
        var records = (await StreamMessagesAsync()).SelectMany(m => m.Records).ToList();
        records.Distinct().Order().ShouldBe(Enumerable.Range(1, 50).Select(i => (long)i), "the hole is filled");
        if (sameBoundaries)
            records.Count.ShouldBe(50, "the stream dropped the runs it held as duplicates");
        else
            records.Count.ShouldBe(50 + 6, "other runs have other ids: the stream keeps 45..50 twice (the hub skips them)");
    }

    [Fact]
    public async Task Publish_Backlog_ConsecutiveRunsOfAtMostNRecordsPerMessageWithRangeIds()
    {
        await AppendAsync(23);

        await using var publisher = await StartAsync();

        await Poll.UntilAsync(() => publisher.Publisher.Acked == 23, Timeout, "the publisher confirms all 23");
        var messages = await StreamMessagesAsync();
        messages.ShouldAllBe(m => m.Records.Count >= 1 && m.Records.Count <= 5);
        messages.ShouldAllBe(m => m.Records.Last() - m.Records.First() == m.Records.Count - 1, "a message holds consecutive records");
        messages.SelectMany(m => m.Records).ShouldBe(Enumerable.Range(1, 23).Select(i => (long)i));
        publisher.Publisher.Published.ShouldBe(messages.Count);
        // Each message's id is <node>:<first>-<last>: the stream takes the same id again as a duplicate.
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var js = new NatsJSContext(nats);
        foreach (var m in messages)
            (await js.PublishAsync(Subject, new byte[] { 1 }, NatsRawSerializer<byte[]>.Default,
                new NatsJSPubOpts { MsgId = NatsSubjects.BatchMsgId("edge-1", m.Records[0], m.Records[^1]) })).Duplicate.ShouldBeTrue();
    }

    [Fact]
    public async Task Publish_LargeRecords_MessagesStayUnderTheByteLimit()
    {
        // Records of about 60 kB (a record is at most 64 KiB): eight fit in 512 KiB, nine do not.
        await AppendAsync(20, "{\"blob\":\"" + new string('x', 60_000) + "\"}");

        await using var publisher = await StartAsync(perMessage: 256, batchSize: 20);

        await Poll.UntilAsync(() => publisher.Publisher.Acked == 20, Timeout, "the publisher confirms all 20");
        var messages = await StreamMessagesAsync();
        messages.ShouldAllBe(m => m.Bytes <= NatsSubjects.MaxMessageBytes);
        messages.Select(m => m.Records.Count).ShouldBe([8, 8, 4]);
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

    private async Task<Running> StartAsync(int perMessage = 5, int batchSize = 8)
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
                BatchSize = batchSize,
                MaxBatchesInFlight = 2,
                NatsRecordsPerMessage = perMessage,
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(500),
            },
        });
        var publisher = new NatsAuditPublisher(options, new HubChannel(options), _fx.Journal, _stats, _fx.Logs.For<NatsAuditPublisher>());
        await publisher.StartAsync(CancellationToken.None);
        return new Running(publisher);
    }

    private async Task AppendAsync(int count, string body = "{}")
    {
        var from = _fx.Journal.Head;
        await _fx.Journal.AppendAsync([.. Enumerable.Range(1, count).Select(i =>
            new AuditDraft(AuditKind.Observation, "dev-1", $"dev-1#{from + i}", new byte[32], AuditRoute.None, "rules/x", "", "", "accepted", body))]);
    }

    /// <summary>Runs first..last of at most <paramref name="size"/> records.</summary>
    private static IEnumerable<(long First, long Last)> Runs(long first, long last, int size)
    {
        for (var from = first; from <= last; from += size)
            yield return (from, Math.Min(from + size - 1, last));
    }

    private static byte[] BatchBody(List<StoredRecord> rows, long first, long last)
    {
        var batch = new AuditBatch { HeadSeq = (ulong)rows.Count };
        foreach (var row in rows.Where(r => r.Seq >= first && r.Seq <= last))
            batch.Records.Add(new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(row.Canonical), Hash = ByteString.CopyFrom(row.Hash) });
        return batch.ToByteArray();
    }

    private List<StoredRecord> ReadJournal()
    {
        using var c = AuditJournalStore.OpenReader(_fx.JournalPath);
        return AuditJournalStore.ReadAfter(c, 0, 100_000);
    }

    /// <summary>The record sequences of this node's records, in stream order.</summary>
    private async Task<List<long>> StreamRecordsAsync() => [.. (await StreamMessagesAsync()).SelectMany(m => m.Records)];

    /// <summary>This node's messages in stream order: the sequences of the records each carries, and its body's size.</summary>
    private async Task<List<(List<long> Records, int Bytes)>> StreamMessagesAsync()
    {
        await using var nats = new NatsConnection(new NatsOpts { Url = _nats.Url });
        var stream = await new NatsJSContext(nats).GetStreamAsync(Stream);
        var messages = new List<(List<long>, int)>();
        for (var seq = stream.Info.State.FirstSeq; seq <= stream.Info.State.LastSeq && seq > 0; seq++)
        {
            var message = (await stream.GetAsync(new StreamMsgGetRequest { Seq = seq })).Message;
            if (message.Subject == Subject)
                messages.Add(([.. NatsAuditPublisher.CanonicalRecords(message).Select(c => AuditRecordCodec.Decode(c).Sequence)], message.Data.Length));
        }
        return messages;
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
