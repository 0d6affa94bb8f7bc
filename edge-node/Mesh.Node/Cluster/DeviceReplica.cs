using Akka.DistributedData;
using Mesh.Protocol.Crdt;

namespace Mesh.Node.Cluster;

/// <summary>
/// A device's state as the site replicates it: a last-writer-wins register (Protocol's <see cref="LwwRegister{T}"/>,
/// HLC then node id) over the encoded state (<see cref="ReplicaState"/>). Only the device's owner writes it; a new
/// owner reads it to take the device over. The merge is Protocol's, so it is the same inside a site and anywhere else.
/// </summary>
public sealed class DeviceReplica(LwwRegister<byte[]> register) : IReplicatedData<DeviceReplica>, ISiteMessage
{
    public LwwRegister<byte[]> Register { get; } = register;

    public DeviceReplica Merge(DeviceReplica other) => ReferenceEquals(Register.Merge(other.Register), Register) ? this : other;

    public IReplicatedData Merge(IReplicatedData other) => Merge((DeviceReplica)other);

    public static Key<DeviceReplica> KeyFor(string device) => new DeviceReplicaKey("device/" + device);

    private sealed class DeviceReplicaKey(string id) : Key<DeviceReplica>(id);
}
