using Mesh.Protocol.Topics;

namespace Mesh.Protocol.Devices;

/// <summary>
/// What a device may do on its site's broker: publish only its own telemetry (<c>mesh/&lt;site&gt;/&lt;id&gt;/telemetry</c>),
/// subscribe only to its own command and dead-letter topics, no wildcards. Each check returns null when allowed, else
/// the reason, worded for the log and the audit record.
/// </summary>
public static class DeviceAcl
{
    /// <summary>Null when <paramref name="device"/> of <paramref name="site"/> may publish to <paramref name="topic"/>.</summary>
    public static string? CheckPublish(SiteId site, string device, string topic)
    {
        var own = MeshTopics.Telemetry(site, new DeviceId(device));
        return topic == own ? null : $"device '{device}' may publish only to {own}";
    }

    /// <summary>Null when <paramref name="device"/> of <paramref name="site"/> may subscribe to <paramref name="filter"/>.</summary>
    public static string? CheckSubscribe(SiteId site, string device, string filter)
    {
        var id = new DeviceId(device);
        var command = MeshTopics.Command(site, id);
        var deadletter = MeshTopics.Deadletter(site, id);
        return filter == command || filter == deadletter
            ? null
            : $"device '{device}' may subscribe only to {command} and {deadletter}";
    }
}
