using Akka.Actor;
using Akka.DistributedData;
using Mesh.Protocol.Crdt;

namespace Mesh.Node.Cluster;

/// <summary>Where a device agent keeps the replica of its state that another member takes the device over from.</summary>
public interface IDeviceReplicas
{
    /// <summary>The newest replica a majority of the site's members agree on; null when none was ever written.</summary>
    /// <exception cref="ReplicaUnavailableException">No majority answered in time.</exception>
    Task<LwwRegister<byte[]>?> ReadAsync(string device);

    /// <summary>Completes once a majority of the members hold <paramref name="value"/> (or a newer one).</summary>
    /// <exception cref="ReplicaUnavailableException">No majority confirmed in time.</exception>
    Task WriteAsync(string device, LwwRegister<byte[]> value);
}

/// <summary>The site's replicas in Akka.DistributedData: one key per device, read and written with a majority.</summary>
public sealed class DistributedDeviceReplicas(IActorRef replicator, TimeSpan timeout) : IDeviceReplicas
{
    private readonly TimeSpan _askTimeout = timeout + TimeSpan.FromSeconds(1);

    public async Task<LwwRegister<byte[]>?> ReadAsync(string device)
    {
        var key = DeviceReplica.KeyFor(device);
        var response = await replicator.Ask<IGetResponse>(Dsl.Get(key, new ReadMajority(timeout)), _askTimeout).ConfigureAwait(false);
        return response switch
        {
            GetSuccess s => s.Get(key).Register,
            NotFound => null,
            _ => throw new ReplicaUnavailableException($"reading the replica of {device} from a majority of the site failed ({response.GetType().Name})"),
        };
    }

    public async Task WriteAsync(string device, LwwRegister<byte[]> value)
    {
        var key = DeviceReplica.KeyFor(device);
        var replica = new DeviceReplica(value);
        var response = await replicator.Ask<IUpdateResponse>(
            Dsl.Update(key, replica, new WriteMajority(timeout), existing => existing.Merge(replica)), _askTimeout).ConfigureAwait(false);
        if (response is not UpdateSuccess)
            throw new ReplicaUnavailableException($"writing the replica of {device} to a majority of the site failed ({response.GetType().Name})");
    }
}

/// <summary>The site's majority could not be reached for a device's replica; nothing that depends on it is acknowledged.</summary>
public sealed class ReplicaUnavailableException(string message) : Exception(message);
