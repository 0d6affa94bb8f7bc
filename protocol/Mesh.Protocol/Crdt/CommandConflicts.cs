using System.Security.Cryptography;
using System.Text;

namespace Mesh.Protocol.Crdt;

/// <summary>
/// The one rule for contradictory commands: when a device's command register holds concurrent commands (nodes that
/// had not seen each other's command, e.g. on both sides of a partition) with different actions, the command of the
/// higher policy priority wins; at equal priority the later hybrid logical clock stamp; at equal wall time and
/// counter the lower node id (ordinal). A pure function of the register's values, so every replica that holds the
/// same register names the same winner and the same conflict id.
/// </summary>
public static class CommandConflicts
{
    /// <summary>Null when the register holds one command, or several that agree (the same action).</summary>
    public static CommandConflict? Resolve(string device, IReadOnlyList<(Dot Dot, DeviceCommand Command)> values)
    {
        if (values.Count < 2 || values.All(v => v.Command.Action == values[0].Command.Action))
            return null;
        var winner = values[0];
        foreach (var v in values.Skip(1))
            if (Beats(v.Command, winner.Command))
                winner = v;
        var losers = values.Where(v => v.Dot != winner.Dot && v.Command.Action != winner.Command.Action).OrderBy(v => v.Dot).ToArray();
        var reason = string.Join("; ", losers.Select(l => Why(winner.Command, l.Command)));
        return new CommandConflict(IdOf(device, values), device, winner.Dot, winner.Command,
            losers.Select(l => (l.Dot, l.Command)).ToArray(), reason);
    }

    /// <summary>
    /// Whether <paramref name="other"/>, a value already in the register, contradicts the command <paramref name="node"/>
    /// is about to write for reading <paramref name="readingSeq"/>: another node's different answer to the same reading.
    /// Such a value stays beside the new command instead of being replaced by it (<see cref="MvRegister{T}.Write(string, T, Func{T, bool})"/>):
    /// a node that happened to see the other's answer first did not decide with it in mind, so the rule, not the arrival
    /// order, picks the winner. Answers to different readings are a newer decision replacing an older one.
    /// </summary>
    public static bool Contradicts(DeviceCommand other, string node, string action, long readingSeq) =>
        readingSeq != 0 && other.ReadingSeq == readingSeq && other.NodeId != node && other.Action != action;

    /// <summary>The conflict a settled register records: when its value settles contradictory commands (see
    /// <see cref="DeviceCommand.Settles"/>), the conflict among those, exactly as a replica that held them finds it.</summary>
    public static CommandConflict? Settled(string device, IReadOnlyList<(Dot Dot, DeviceCommand Command)> values) =>
        values is [(_, { Settles: { Count: >= 2 } settled })] ? Resolve(device, [.. settled.Select(s => (s.Dot, s.Command))]) : null;

    /// <summary>The values a settling command carries: the register's values, without settlements of their own.</summary>
    public static IReadOnlyList<SettledCommand> ToSettle(IReadOnlyList<(Dot Dot, DeviceCommand Command)> values) =>
        [.. values.Select(v => new SettledCommand(v.Dot.NodeId, v.Dot.Counter, v.Command with { Settles = null }))];

    /// <summary>Whether <paramref name="a"/> wins over <paramref name="b"/>: priority, then HLC, then node id.</summary>
    public static bool Beats(DeviceCommand a, DeviceCommand b)
    {
        if (a.Priority != b.Priority)
            return a.Priority > b.Priority;
        if (a.Stamp.WallMillis != b.Stamp.WallMillis || a.Stamp.Counter != b.Stamp.Counter)
            return a.Stamp.WallMillis > b.Stamp.WallMillis || (a.Stamp.WallMillis == b.Stamp.WallMillis && a.Stamp.Counter > b.Stamp.Counter);
        return string.CompareOrdinal(a.NodeId, b.NodeId) < 0;
    }

    private static string Why(DeviceCommand winner, DeviceCommand loser)
    {
        var versus = $"'{winner.Action}' of {winner.NodeId} (rule {winner.Rule}) over '{loser.Action}' of {loser.NodeId} (rule {loser.Rule})";
        if (winner.Priority != loser.Priority)
            return $"{versus}: priority {winner.Priority} > {loser.Priority}";
        if (winner.Stamp.WallMillis != loser.Stamp.WallMillis || winner.Stamp.Counter != loser.Stamp.Counter)
            return $"{versus}: equal priority {winner.Priority}, later clock {winner.Stamp} > {loser.Stamp}";
        return $"{versus}: equal priority and clock, node id '{winner.NodeId}' < '{loser.NodeId}'";
    }

    /// <summary>The same set of concurrent commands gives the same id on every replica (it keys the audit records).</summary>
    private static string IdOf(string device, IReadOnlyList<(Dot Dot, DeviceCommand Command)> values)
    {
        var text = device + "|" + string.Join("|", values.Select(v => v.Dot).Order().Select(d => d.ToString()));
        return "conflict-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
    }
}

/// <summary>A resolved conflict: the winning command, the withdrawn ones, and why (one clause per loser).</summary>
public sealed record CommandConflict(
    string Id,
    string Device,
    Dot WinnerDot,
    DeviceCommand Winner,
    IReadOnlyList<(Dot Dot, DeviceCommand Command)> Losers,
    string Reason);
