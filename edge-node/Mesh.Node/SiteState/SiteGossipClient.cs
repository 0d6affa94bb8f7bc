using Grpc.Core;
using Mesh.Node.Sync;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.SiteState;

/// <summary>
/// Delta gossip of the site state with the hub over gRPC: every <see cref="SyncOptions.GossipInterval"/> (with jitter)
/// the node sends the entries it wrote since its last successful exchange and merges what the hub answers (the site's
/// entries changed since the node's cursor). A failed exchange is simply retried next round: merges are idempotent,
/// so nothing is lost by sending again. Offline, the node keeps writing its replica and catches up on reconnect.
/// </summary>
public sealed partial class SiteGossipClient(SiteStateStore store, HubChannel hub, IOptions<NodeOptions> options, ILogger<SiteGossipClient> logger) : BackgroundService
{
    private const int MaxEntriesPerRequest = 1000;
    private long _sent;
    private ulong _cursor;
    private bool _failing;

    /// <summary>Exchanges completed (for tests and status).</summary>
    public long Exchanges { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!hub.Configured)
            return;
        var client = new SiteGossip.SiteGossipClient(hub.Channel);
        var interval = options.Value.Sync.GossipInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExchangeAsync(client, stoppingToken).ConfigureAwait(false);
                if (_failing)
                    GossipLog.Resumed(logger, options.Value.Sync.HubUrl);
                _failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!_failing)
                    GossipLog.Failed(logger, options.Value.Sync.HubUrl, AuditSyncService.Describe(ex));
                _failing = true;
            }
            var jitter = 0.5 + Random.Shared.NextDouble();
            try
            {
                await Task.Delay(interval * jitter, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: sends what this node wrote (in requests of bounded size) and merges the replies until the hub has nothing more.</summary>
    public async Task ExchangeAsync(SiteGossip.SiteGossipClient client, CancellationToken ct)
    {
        var written = store.WrittenSince(_sent, out var now);
        var offset = 0;
        while (true)
        {
            var request = new GossipRequest { NodeId = options.Value.NodeId, Site = options.Value.Site, Cursor = _cursor };
            request.Entries.AddRange(written.Skip(offset).Take(MaxEntriesPerRequest).Select(SiteEntryCodec.Encode));
            offset += request.Entries.Count;
            var reply = await client.ExchangeAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct).ConfigureAwait(false);
            var entries = new List<SiteEntry>(reply.Entries.Count);
            foreach (var e in reply.Entries)
            {
                if (SiteEntryCodec.Decode(e, out var error) is { } entry)
                    entries.Add(entry);
                else
                    GossipLog.BadEntry(logger, error!);
            }
            store.Merge(entries);
            _cursor = reply.Cursor;
            Exchanges++;
            if (offset >= written.Count && reply.Entries.Count == 0)
                break;
        }
        _sent = now;
    }

    private static partial class GossipLog
    {
        [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Site-state gossip with {Hub} failed ({Reason}); the node keeps its replica and retries")]
        public static partial void Failed(ILogger logger, string hub, string reason);

        [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Site-state gossip with {Hub} resumed")]
        public static partial void Resumed(ILogger logger, string hub);

        [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "The hub sent a site-state entry this node cannot read; skipped: {Problem}")]
        public static partial void BadEntry(ILogger logger, string problem);
    }
}
