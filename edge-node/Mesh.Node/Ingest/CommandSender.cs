using System.Text;
using Mesh.Protocol;
using Mesh.Protocol.Topics;

namespace Mesh.Node.Ingest;

/// <summary>
/// Sends commands to devices through whichever broker the node runs (set once the broker is up; the broker
/// logs a failed publish). Callers send only after the command's Action record is durable.
/// </summary>
public sealed class CommandSender(NodeStats stats)
{
    /// <summary>Set by the broker integration once it is up.</summary>
    public IMqttPublisher? Publisher { get; set; }

    public Task SendAsync(SiteId site, DeviceId device, string body, CancellationToken ct)
    {
        stats.CountActions(1);
        return Publisher is { } publisher
            ? publisher.PublishAsync(MeshTopics.Command(site, device), Encoding.UTF8.GetBytes(body), ct)
            : Task.CompletedTask;
    }
}
