using System.Collections.Immutable;
using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>The persisted form of <see cref="DeviceState"/>, with the journal head when it was taken
/// (<see cref="JournalMark"/>): the state reflects every record up to it.</summary>
public sealed record DeviceSnapshot(
    long JournalMark,
    long LastSeq,
    IReadOnlyList<string> ActiveRules,
    IReadOnlyList<DeviceEvents.ReadingProcessed> Recent,
    IReadOnlyDictionary<string, long[]> Windows,
    IReadOnlyList<IssuedCommand> Issued,
    IReadOnlyList<PendingApproval> Pending)
{
    public static DeviceSnapshot From(DeviceState s, long journalMark) => new(
        journalMark,
        s.LastSeq,
        s.ActiveRules.ToArray(),
        s.Recent.ToArray(),
        s.Windows.ToDictionary(w => w.Key, w => w.Value.ToArray(), StringComparer.Ordinal),
        s.Issued.ToArray(),
        s.Pending.Values.ToArray());

    public DeviceState ToState() => DeviceState.Empty with
    {
        LastSeq = LastSeq,
        ActiveRules = DeviceState.Empty.ActiveRules.Union(ActiveRules),
        Recent = [.. Recent],
        RecentCount = Recent.Count,
        Windows = DeviceState.Empty.Windows.SetItems(Windows.Select(w => KeyValuePair.Create(w.Key, WindowTimes.Of(w.Value)))),
        Issued = [.. Issued],
        Pending = DeviceState.Empty.Pending.SetItems(Pending.Select(p => KeyValuePair.Create(p.Id, p))),
    };
}
