using System.Collections.Concurrent;
using Mesh.Hub.Storage;
using Mesh.Protocol.Grpc;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Control;

/// <summary>
/// Fans live control messages out to the open Watch streams: a site's activations to every node of the site,
/// a decision to the node that asked. In memory only: what a stream misses while disconnected it gets from
/// the store's snapshot when it reconnects, so publishing never waits and never fails.
/// </summary>
public sealed class ControlBroadcast(IOptions<HubOptions> options, ILogger<ControlBroadcast> logger)
{
    private readonly ConcurrentDictionary<ControlSubscription, byte> _subscribers = new();

    /// <summary>Open subscriptions; for tests and diagnostics.</summary>
    public int Count => _subscribers.Count;

    public ControlSubscription Subscribe(string nodeId, string site)
    {
        var subscription = new ControlSubscription(nodeId, site, options.Value.WatchQueueCapacity, s => _subscribers.TryRemove(s, out _));
        _subscribers.TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Sends a new activation to every watcher of its site. Call after it is durably stored.</summary>
    public void PublishPolicy(ActivePolicy policy)
    {
        var message = ControlMessages.Policy(policy);
        foreach (var subscriber in _subscribers.Keys)
            if (subscriber.Site == policy.Activation.Site)
                Offer(subscriber, message);
    }

    /// <summary>Sends an operator's decision to the watchers of the node that asked. Call after it is durably stored.</summary>
    public void PublishDecision(StoredApproval approval)
    {
        var message = ControlMessages.Decision(approval);
        foreach (var subscriber in _subscribers.Keys)
            if (subscriber.NodeId == approval.NodeId)
                Offer(subscriber, message);
    }

    /// <summary>Sends <paramref name="message"/> to every watcher (the fleet's revoked certificates).</summary>
    public void PublishToAll(ControlMessage message)
    {
        foreach (var subscriber in _subscribers.Keys)
            Offer(subscriber, message);
    }

    private void Offer(ControlSubscription subscriber, ControlMessage message)
    {
        if (subscriber.Offer(message))
            return;
        _subscribers.TryRemove(subscriber, out _);
        HubLog.WatchOverflowed(logger, subscriber.NodeId, subscriber.Capacity);
    }
}
