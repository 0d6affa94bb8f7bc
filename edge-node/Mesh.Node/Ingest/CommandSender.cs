using System.Text;
using Mesh.Protocol;
using Mesh.Protocol.Topics;

namespace Mesh.Node.Ingest;

/// <summary>
/// Sends commands to devices through whichever broker the node runs (set once the broker is up; the broker
/// logs a failed publish). Callers send only after the command's Action record is durable. On a member of a
/// multi-node site with embedded brokers, a device may be connected to another member's broker: <see cref="Relay"/>
/// then hands the command to every member, each of which publishes it on its own broker.
/// </summary>
public sealed class CommandSender(NodeStats stats)
{
    /// <summary>Set by the broker integration once it is up.</summary>
    public IMqttPublisher? Publisher { get; set; }

    /// <summary>Set on a site member whose devices may be on other members' brokers: delivers a command to every member.</summary>
    public Action<SiteId, DeviceId, string>? Relay { get; set; }

    /// <summary>Sends a command to a device wherever in the site it is connected.</summary>
    public Task SendAsync(SiteId site, DeviceId device, string body, CancellationToken ct)
    {
        if (Relay is not { } relay)
            return SendHereAsync(site, device, body, ct);
        stats.CountActions(1);
        relay(site, device, body);
        return Task.CompletedTask;
    }

    /// <summary>Sends a command through this node's broker only: for a device that just published here.</summary>
    public Task SendHereAsync(SiteId site, DeviceId device, string body, CancellationToken ct)
    {
        stats.CountActions(1);
        return PublishLocalAsync(site, device, body, ct);
    }

    /// <summary>Publishes on this node's broker without counting (a command relayed from another member).</summary>
    public Task PublishLocalAsync(SiteId site, DeviceId device, string body, CancellationToken ct) =>
        Publisher is { } publisher
            ? publisher.PublishAsync(MeshTopics.Command(site, device), Encoding.UTF8.GetBytes(body), ct)
            : Task.CompletedTask;
}
