using Mesh.Protocol.Time;

namespace Mesh.Protocol.Crdt;

/// <summary>
/// A command a node sent to a device, as the site replicates it (the device's command register). The node is
/// <see cref="HlcTimestamp.NodeId"/> of <paramref name="Stamp"/>; <paramref name="Priority"/> is the priority of the
/// policy rule that proposed it; <paramref name="ReadingSeq"/> the reading it answered (0: none, e.g. an approval).
/// </summary>
public sealed record DeviceCommand(string Action, string Rule, int Priority, HlcTimestamp Stamp, long ReadingSeq)
{
    public string NodeId => Stamp.NodeId;
}
