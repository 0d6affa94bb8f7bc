using System.Text.Json.Serialization;
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

    /// <summary>
    /// Set only on the command a losing node writes to settle a conflict (the winner's action again): the register's
    /// values it replaces. The settled register holds this one command, so a replica that never saw the contradictory
    /// values themselves (the winner, when the settlement reached it first) still finds the conflict in it, with the
    /// same id, winner and reason (<see cref="CommandConflicts.Settled"/>). The values carry no settlement of their own.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SettledCommand>? Settles { get; init; }

    public bool Equals(DeviceCommand? other) =>
        other is not null && Action == other.Action && Rule == other.Rule && Priority == other.Priority && Stamp == other.Stamp
        && ReadingSeq == other.ReadingSeq && (Settles ?? []).SequenceEqual(other.Settles ?? []);

    public override int GetHashCode() => HashCode.Combine(Action, Rule, Priority, Stamp, ReadingSeq, Settles?.Count ?? 0);
}

/// <summary>One value of a command register that a settling command replaced: its dot and the command.</summary>
public sealed record SettledCommand(string NodeId, long Counter, DeviceCommand Command)
{
    public Dot Dot => new(NodeId, Counter);
}
