using Google.Protobuf;
using Mesh.Hub.Storage;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Mesh.Hub.Gossip;

/// <summary>
/// With <c>Hub:Nats:Url</c> set: reads every site's <c>MESH_GOSSIP_&lt;site&gt;</c> stream (nodes on NATS publish the
/// site-state entries they write there) with a durable pull consumer and merges each message into the hub's replica of
/// the site, acknowledging it only after the store committed. Nodes on gRPC gossip then see those entries too. A message
/// that does not decode is terminated and logged; nothing of it is merged.
/// </summary>
public sealed class NatsGossipConsumer(IOptions<HubOptions> options, HubStore store, ILogger<NatsGossipConsumer> logger) : BackgroundService
{
    public const string Durable = "mesh-hub-gossip";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Nats;
        if (o.Url.Length == 0)
            return;
        await using var nats = new NatsConnection(new NatsOpts { Url = o.Url, Name = "mesh-hub-gossip", RetryOnInitialConnect = true });
        List<NatsJSContext> places = [new NatsJSContext(nats), .. o.Domains.Select(d => new NatsJSContext(nats, new NatsJSOpts(nats.Opts, domain: d)))];
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        try
        {
            await DiscoverAsync(places, running, o, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // A stop may cancel a listing under way: the connection still stays open until every stream's consumer has
            // settled its fetch.
            await Task.WhenAll(running.Values).ConfigureAwait(false);
        }
    }

    private async Task DiscoverAsync(List<NatsJSContext> places, Dictionary<string, Task> running, NatsHubOptions o, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var done in running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                running.Remove(done);
            for (var i = 0; i < places.Count; i++)
            {
                var js = places[i];
                try
                {
                    await foreach (var name in js.ListStreamNamesAsync(cancellationToken: stoppingToken).ConfigureAwait(false))
                        if (NatsSubjects.TryParseGossipStream(name, out var site) && !running.ContainsKey($"{i}/{name}"))
                            running[$"{i}/{name}"] = Task.Run(() => ConsumeAsync(js, name, site, o, stoppingToken), CancellationToken.None);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    HubLog.NatsGossipFailed(logger, o.Url, ex.Message);
                }
            }
            try
            {
                await Task.Delay(o.DiscoverInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ConsumeAsync(NatsJSContext js, string stream, string site, NatsHubOptions o, CancellationToken stopping)
    {
        try
        {
            var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig(Durable)
            {
                DurableName = Durable,
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                AckWait = o.AckWait,
                DeliverPolicy = ConsumerConfigDeliverPolicy.All,
                MaxDeliver = -1,
            }, stopping).ConfigureAwait(false);
            // No idle heartbeat, as for audit fetches (NatsStreamIngest.NextFetch): a hub too busy to read for two heartbeats
            // would otherwise drop the rest of a fetch, to wait out AckWait.
            var fetch = new NatsJSFetchOpts { MaxMsgs = 100, Expires = o.FetchWait, IdleHeartbeat = TimeSpan.Zero };
            while (!stopping.IsCancellationRequested)
            {
                // A whole fetch is read and every message settled before the loop looks at the token again: nothing
                // fetched is left unacknowledged to wait out AckWait.
                await foreach (var msg in consumer.FetchAsync(fetch, NatsRawSerializer<byte[]>.Default, CancellationToken.None).ConfigureAwait(false))
                    await MergeAsync(msg, site).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            HubLog.NatsGossipFailed(logger, stream, ex.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task MergeAsync(INatsJSMsg<byte[]> msg, string site)
    {
        var entries = new List<SiteEntry>();
        string? problem = null;
        try
        {
            foreach (var e in CrdtEntries.Parser.ParseFrom(msg.Data ?? []).Entries)
            {
                if (SiteEntryCodec.Decode(e, out var error) is { } entry)
                    entries.Add(entry);
                else
                    problem ??= error;
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            problem = ex.Message;
        }
        if (problem is not null)
        {
            HubLog.GossipRefused(logger, msg.Subject, site, 0, problem);
            await msg.AckTerminateAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return;
        }
        try
        {
            store.MergeSiteState(site, entries, long.MaxValue, 0);
            await msg.AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (HubStorageException ex)
        {
            HubLog.GossipStorageFailed(logger, msg.Subject, ex);
            await msg.NakAsync(new AckOpts { NakDelay = TimeSpan.FromSeconds(1) }, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
