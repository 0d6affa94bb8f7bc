using Akka.Cluster.Sharding;
using Mesh.Node.Agents;

namespace Mesh.Node.Cluster;

/// <summary>Which shard a device belongs to: a stable hash of its id (the same on every member), modulo
/// <see cref="SiteClusterOptions.Shards"/>. The entity is the device agent, named by the device id.</summary>
public sealed class DeviceShards(int shards) : HashCodeMessageExtractor(shards)
{
    public const string TypeName = "device";

    public override string? EntityId(object message) => (message as IDeviceCommand)?.Device;
}
