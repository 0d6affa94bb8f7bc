namespace Mesh.Node.Agents;

/// <summary>The persisted form of <see cref="DeviceState"/>.</summary>
public sealed record DeviceSnapshot(long LastSeq, IReadOnlyList<string> ActiveRules, IReadOnlyList<DeviceEvents.ReadingProcessed> Recent)
{
    public static DeviceSnapshot From(DeviceState s) => new(s.LastSeq, s.ActiveRules.ToArray(), s.Recent.ToArray());

    public DeviceState ToState() => new(
        LastSeq,
        DeviceState.Empty.ActiveRules.Union(ActiveRules),
        [.. Recent],
        Recent.Count);
}
