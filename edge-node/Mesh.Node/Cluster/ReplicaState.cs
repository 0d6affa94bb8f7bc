using System.Text.Json;
using Mesh.Node.Agents;

namespace Mesh.Node.Cluster;

/// <summary>
/// The part of a device agent's state a new owner needs: everything but the recent readings kept for redelivery
/// (those answer redeliveries to the member whose journal holds their records; elsewhere a redelivered reading is
/// simply known as seen).
/// </summary>
public static class ReplicaState
{
    public static byte[] Encode(DeviceState state) =>
        JsonSerializer.SerializeToUtf8Bytes(DeviceSnapshot.From(state with { Recent = [], RecentCount = 0 }, 0), DeviceEventJson.Default.DeviceSnapshot);

    public static DeviceState Decode(byte[] bytes) =>
        (JsonSerializer.Deserialize(bytes, DeviceEventJson.Default.DeviceSnapshot)
            ?? throw new JsonException("a device replica decoded to nothing")).ToState();
}
