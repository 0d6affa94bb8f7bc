using Mesh.Hub.Storage;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Polly;
using Polly.Retry;

namespace Mesh.Hub.Sync.Nats;

/// <summary>
/// The hub's durable pull consumer on one site's stream: fetch a bounded batch, apply it node by node
/// (<see cref="NatsStreamIngest"/>.Apply.cs), and settle every message it fetched — ack once the store committed
/// it, nak what must come again, terminate what is refused. Fetches are never abandoned half-read and whatever a
/// stopping or failing consumer holds unsettled is nak'd at once: a message left unacknowledged would wait out the
/// whole AckWait before anyone got it again.
/// </summary>
internal sealed partial class NatsStreamIngest(
    NatsJSContext js, string domain, string stream, string site, HubOptions hub, AuditIngest ingest, NodeLeases leases, HubStore store, ILogger logger)
{
    private const int StreamNotFound = 10059;
    private readonly NatsHubOptions _o = hub.Nats;

    /// <summary>Records per message in the last batch applied. A fetch asks for as many messages as hold at most
    /// FetchBatch records, judged by it, so it holds about as many records whether nodes send batches or one-record
    /// messages (and with FetchBatch = Hub:MaxBatchRecords, one transaction stores it). It starts at what nodes send by
    /// default (<c>Node:Sync:NatsRecordsPerMessage</c>), so a first fetch of a large backlog stays small.</summary>
    private double _recordsPerMessage = 250;

    public async Task RunAsync(CancellationToken stopping)
    {
        var retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => !stopping.IsCancellationRequested && !IsStreamGone(ex)),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(10),
            OnRetry = args =>
            {
                HubLog.NatsConsumerFailed(logger, stream, domain, args.Outcome.Exception?.Message ?? "unknown error", args.RetryDelay);
                return ValueTask.CompletedTask;
            },
        }).Build();
        try
        {
            await retry.ExecuteAsync(ConsumeAsync, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStreamGone(ex))
        {
            HubLog.NatsStreamGone(logger, stream, domain);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async ValueTask ConsumeAsync(CancellationToken stopping)
    {
        var consumer = await js.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig(_o.Durable)
        {
            DurableName = _o.Durable,
            Description = "Mesh hub: stores and verifies the site's audit records (docs/NATS.md)",
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = _o.AckWait,
            MaxAckPending = _o.MaxAckPending,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            MaxDeliver = -1,
        }, stopping).ConfigureAwait(false);
        HubLog.NatsConsuming(logger, stream, site, domain, _o.Durable);
        var fetching = FetchAsync(consumer, NextFetch());
        try
        {
            while (true)
            {
                var batch = await fetching.ConfigureAwait(false);
                fetching = Task.FromResult(new List<Delivery>());
                if (stopping.IsCancellationRequested)
                {
                    await ReleaseAsync(batch, new bool[batch.Count]).ConfigureAwait(false);
                    stopping.ThrowIfCancellationRequested();
                }
                // The next batch is fetched while this one is applied: the server's delivery overlaps the hub's work.
                fetching = FetchAsync(consumer, NextFetch());
                if (batch.Count == 0)
                    continue;
                var settled = new bool[batch.Count];
                var applied = false;
                try
                {
                    var records = await ApplyAsync(batch, settled, stopping).ConfigureAwait(false);
                    _recordsPerMessage = Math.Max(1, (double)records / batch.Count);
                    applied = true;
                }
                finally
                {
                    // Stopping or failing: the fetch under way ends first (within FetchWait). A message given back while
                    // it still waits for messages would be delivered straight into it, and the hub would be naking and
                    // receiving on one connection at once.
                    if (!applied)
                        await ((Task)fetching).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await ReleaseAsync(batch, settled).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await ReleaseAsync(fetching).ConfigureAwait(false);
        }
    }

    private NatsJSFetchOpts NextFetch() => new()
    {
        MaxMsgs = (int)Math.Clamp(Math.Floor(_o.FetchBatch / _recordsPerMessage), 1, _o.FetchBatch),
        Expires = _o.FetchWait,
        // No idle heartbeat: the client ends a fetch that hears nothing for two heartbeats (by default FetchWait), and
        // a hub that cannot read for that long (a loaded machine) would then drop what the server still delivers for
        // it; those messages would wait out AckWait. The fetch ends on the server's own expiry, or MaxMsgs.
        IdleHeartbeat = TimeSpan.Zero,
    };

    /// <summary>One whole fetch, each message decoded as it arrives: while the batch before is being stored. Not
    /// cancellable on purpose: everything the server sends for it must reach the batch to be settled; it ends by itself
    /// within FetchWait.</summary>
    private async Task<List<Delivery>> FetchAsync(INatsJSConsumer consumer, NatsJSFetchOpts opts)
    {
        var batch = new List<Delivery>(opts.MaxMsgs ?? 0);
        try
        {
            await foreach (var msg in consumer.FetchAsync(opts, NatsRawSerializer<byte[]>.Default, CancellationToken.None).ConfigureAwait(false))
                batch.Add(Delivery.Of(msg));
        }
        catch (Exception) when (batch.Count > 0)
        {
            // The fetch broke off (a timeout, a lost connection): what it brought so far goes back at once.
            await ReleaseAsync(batch, new bool[batch.Count]).ConfigureAwait(false);
            throw;
        }
        return batch;
    }

    /// <summary>Gives back everything a fetch still under way brings (stopping, or the batch before it failed).</summary>
    private async Task ReleaseAsync(Task<List<Delivery>> fetching)
    {
        List<Delivery> batch;
        try
        {
            batch = await fetching.ConfigureAwait(false);
        }
        catch (Exception)
        {
            return; // the fetch itself failed: what it got is delivered again after AckWait at worst
        }
        await ReleaseAsync(batch, new bool[batch.Count]).ConfigureAwait(false);
    }

    /// <summary>Naks, without delay, every fetched message not settled, and waits until the server has them.</summary>
    private async Task ReleaseAsync(List<Delivery> batch, bool[] settled)
    {
        if (settled.All(s => s))
            return;
        // Well inside the host's 30 s shutdown: a loaded machine may need many seconds for a thousand naks.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < batch.Count; i++)
                if (!settled[i])
                {
                    await batch[i].Msg.NakAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
                    settled[i] = true;
                }
            await js.Connection.PingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException)
        {
            // The connection is gone: the server delivers them again after AckWait, nothing is lost.
            HubLog.NatsReleaseFailed(logger, stream, settled.Count(s => !s), $"{ex.Message} after {started.Elapsed.TotalSeconds:0.0} s", _o.AckWait);
        }
    }

    private static bool IsStreamGone(Exception ex) => ex is NatsJSApiException { Error.ErrCode: StreamNotFound };
}
