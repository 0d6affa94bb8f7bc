using Mesh.Hub.Storage;
using Mesh.Protocol.Topics;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Mesh.Hub.Sync.Nats;

/// <summary>
/// Audit sync over NATS JetStream, hub side (<c>Hub:Nats</c>, docs/NATS.md): finds the <c>MESH_AUDIT_&lt;site&gt;</c>
/// streams on the server and in the configured leaf domains, looks again every <c>DiscoverInterval</c> for new ones,
/// and runs one <see cref="NatsStreamIngest"/> per stream. Does nothing while <c>Hub:Nats:Url</c> is empty.
/// </summary>
public sealed class NatsAuditConsumer(
    IOptions<HubOptions> options, AuditIngest ingest, NodeLeases leases, HubStore store, ILoggerFactory loggers, ILogger<NatsAuditConsumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hub = options.Value;
        var o = hub.Nats;
        if (o.Url.Length == 0)
            return;
        var nats = new NatsConnection(new NatsOpts
        {
            Url = o.Url,
            Name = "mesh-hub",
            RetryOnInitialConnect = true,
            LoggerFactory = loggers,
            // A fetch's messages wait here until the batch is read; never let the client drop them.
            SubPendingChannelCapacity = Math.Max(NatsOpts.Default.SubPendingChannelCapacity, 2 * o.FetchBatch),
        });
        try
        {
            await ConsumeAsync(nats, hub, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // Closing may time out on a loaded machine (the client unsubscribes first); the consumers settled their
            // messages before, so a slow close loses nothing and must not fail the host.
            try
            {
                await nats.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException)
            {
                HubLog.NatsCloseFailed(logger, o.Url, ex.Message);
            }
        }
    }

    private async Task ConsumeAsync(NatsConnection nats, HubOptions hub, CancellationToken stoppingToken)
    {
        var o = hub.Nats;
        List<(string Domain, NatsJSContext Js)> places =
        [
            ("the server's own domain", new NatsJSContext(nats)),
            .. o.Domains.Select(d => ($"domain {d}", new NatsJSContext(nats, new NatsJSOpts(nats.Opts, domain: d)))),
        ];
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        try
        {
            await DiscoverAsync(places, running, hub, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // However discovery ends (a stop may cancel a listing under way), the connection stays open until each
            // stream's consumer has given back what it fetched and did not settle; each ends promptly on stopping.
            await Task.WhenAll(running.Values).ConfigureAwait(false);
        }
    }

    private async Task DiscoverAsync(List<(string Domain, NatsJSContext Js)> places, Dictionary<string, Task> running, HubOptions hub, CancellationToken stoppingToken)
    {
        var o = hub.Nats;
        var ignored = new HashSet<string>(StringComparer.Ordinal);
        var failing = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var key in running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                running.Remove(key);
            foreach (var (domain, js) in places)
            {
                try
                {
                    await foreach (var name in js.ListStreamNamesAsync(cancellationToken: stoppingToken).ConfigureAwait(false))
                    {
                        var key = domain + "/" + name;
                        if (!name.StartsWith(NatsSubjects.StreamPrefix, StringComparison.Ordinal) || running.ContainsKey(key) || ignored.Contains(key))
                            continue;
                        if (!NatsSubjects.TryParseStream(name, out var site))
                        {
                            ignored.Add(key);
                            HubLog.NatsStreamIgnored(logger, name, domain);
                            continue;
                        }
                        var ingestOne = new NatsStreamIngest(js, domain, name, site, hub, ingest, leases, store, logger);
                        running[key] = Task.Run(() => ingestOne.RunAsync(stoppingToken), CancellationToken.None);
                    }
                    failing.Remove(domain);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Once per outage, not every interval: a leaf behind a broken WAN link can stay away for hours.
                    if (!failing.TryGetValue(domain, out var known) || known != ex.Message)
                        HubLog.NatsDiscoveryFailed(logger, o.Url, domain, ex.Message, o.DiscoverInterval);
                    failing[domain] = ex.Message;
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
}
