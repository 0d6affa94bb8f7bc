using Google.Protobuf;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mesh.Node.SiteState;

/// <summary>
/// Site-state gossip over NATS JetStream (with <c>Node:Sync:Transport=Nats</c>): every
/// <see cref="SyncOptions.GossipInterval"/> the node publishes the entries it wrote since its last publish to
/// <c>mesh.gossip.&lt;site&gt;.&lt;node&gt;</c> in its site's <c>MESH_GOSSIP_&lt;site&gt;</c> stream, and reads the whole
/// stream (an ordered consumer, from the start) merging what every node of the site and the hub wrote, so the
/// site's nodes converge through their leaf node even while the hub is away. Every <see cref="FullRepublish"/> it
/// publishes all it ever wrote again, so the stream's age limit never drops the last word on an entry.
/// </summary>
public sealed partial class NatsSiteGossip(SiteStateStore store, IOptions<NodeOptions> options, ILogger<NatsSiteGossip> logger) : BackgroundService
{
    public static readonly TimeSpan FullRepublish = TimeSpan.FromMinutes(10);
    private const int EntriesPerMessage = 500;
    private long _sent;
    private DateTime _lastFull = DateTime.MinValue;

    /// <summary>Messages merged from the stream (for tests and status).</summary>
    public long Received { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        await using var nats = new NatsConnection(new NatsOpts { Url = o.Sync.NatsUrl, Name = $"mesh-gossip-{o.NodeId}", RetryOnInitialConnect = true });
        var js = new NatsJSContext(nats);
        var stream = NatsSubjects.GossipStream(o.Site);
        var subject = NatsSubjects.GossipSubject(o.Site, o.NodeId);
        var failing = false;
        Task? reading = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EnsureStreamAsync(js, stream, o, stoppingToken).ConfigureAwait(false);
                reading ??= ReadAsync(js, stream, stoppingToken);
                if (reading.IsFaulted)
                {
                    var failed = reading;
                    reading = null;
                    await failed.ConfigureAwait(false);
                }
                await PublishAsync(js, subject, stoppingToken).ConfigureAwait(false);
                if (failing)
                    GossipLog.Resumed(logger, o.Sync.NatsUrl);
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                    GossipLog.Failed(logger, o.Sync.NatsUrl, ex.Message);
                failing = true;
            }
            try
            {
                await Task.Delay(o.Sync.GossipInterval * (0.5 + Random.Shared.NextDouble()), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (reading is not null)
            try { await reading.ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    private async Task PublishAsync(NatsJSContext js, string subject, CancellationToken ct)
    {
        var full = DateTime.UtcNow - _lastFull >= FullRepublish;
        var written = store.WrittenSince(full ? 0 : _sent, out var now);
        for (var i = 0; i < written.Count; i += EntriesPerMessage)
        {
            var message = new CrdtEntries();
            message.Entries.AddRange(written.Skip(i).Take(EntriesPerMessage).Select(SiteEntryCodec.Encode));
            var ack = await js.PublishAsync(subject, message.ToByteArray(), cancellationToken: ct).ConfigureAwait(false);
            ack.EnsureSuccess();
        }
        _sent = now;
        if (full)
            _lastFull = DateTime.UtcNow;
    }

    private async Task ReadAsync(NatsJSContext js, string stream, CancellationToken ct)
    {
        var consumer = await js.CreateOrderedConsumerAsync(stream, new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All }, ct).ConfigureAwait(false);
        await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: ct).ConfigureAwait(false))
        {
            var entries = new List<SiteEntry>();
            try
            {
                foreach (var e in CrdtEntries.Parser.ParseFrom(msg.Data ?? []).Entries)
                {
                    if (SiteEntryCodec.Decode(e, out var error) is { } entry)
                        entries.Add(entry);
                    else
                        GossipLog.BadEntry(logger, msg.Subject, error!);
                }
            }
            catch (InvalidProtocolBufferException ex)
            {
                GossipLog.BadEntry(logger, msg.Subject, ex.Message);
            }
            store.Merge(entries);
            Received++;
        }
    }

    private static async Task EnsureStreamAsync(NatsJSContext js, string stream, NodeOptions o, CancellationToken ct)
    {
        try
        {
            await js.GetStreamAsync(stream, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10059)
        {
            try
            {
                await js.CreateStreamAsync(new StreamConfig(stream, [NatsSubjects.GossipSiteSubjects(o.Site)])
                {
                    Description = $"Mesh site-state gossip of site {o.Site} (CRDT entries; docs/FEDERATION.md)",
                    Storage = StreamConfigStorage.File,
                    Retention = StreamConfigRetention.Limits,
                    MaxAge = TimeSpan.FromDays(1),
                }, ct).ConfigureAwait(false);
            }
            catch (NatsJSApiException exists) when (exists.Error.ErrCode == 10058)
            {
            }
        }
    }

    private static partial class GossipLog
    {
        [LoggerMessage(EventId = 7030, Level = LogLevel.Warning, Message = "Site-state gossip over NATS at {Url} failed ({Reason}); the node keeps its replica and retries")]
        public static partial void Failed(ILogger logger, string url, string reason);

        [LoggerMessage(EventId = 7031, Level = LogLevel.Information, Message = "Site-state gossip over NATS at {Url} resumed")]
        public static partial void Resumed(ILogger logger, string url);

        [LoggerMessage(EventId = 7032, Level = LogLevel.Warning, Message = "A gossip message on {Subject} holds an entry this node cannot read; skipped: {Problem}")]
        public static partial void BadEntry(ILogger logger, string subject, string problem);
    }
}
