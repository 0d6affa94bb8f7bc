using System.Collections.Immutable;

namespace Mesh.Node.Agents;

/// <summary>
/// A device agent's state: the highest reading sequence processed, the rules currently on, and the
/// last few processed readings (so a redelivered reading can have its audit records re-submitted).
/// Immutable; <see cref="Apply"/> is pure.
/// </summary>
public sealed record DeviceState(long LastSeq, ImmutableSortedSet<string> ActiveRules, ImmutableQueue<DeviceEvents.ReadingProcessed> Recent, int RecentCount)
{
    public static readonly DeviceState Empty = new(0, ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal), [], 0);

    /// <summary>Sequences at or below the last processed one are redeliveries: devices send strictly increasing sequences.</summary>
    public bool HasSeen(long seq) => seq <= LastSeq;

    public DeviceEvents.ReadingProcessed? FindRecent(long seq) => Recent.FirstOrDefault(r => r.Seq == seq);

    public DeviceState Apply(IDeviceEvent evt, int window) => evt switch
    {
        DeviceEvents.ReadingProcessed r => ApplyReading(r, window),
        _ => this,
    };

    private DeviceState ApplyReading(DeviceEvents.ReadingProcessed r, int window)
    {
        var active = ActiveRules;
        foreach (var f in r.Fired)
            active = f.Active ? active.Add(f.Rule) : active.Remove(f.Rule);
        var recent = Recent.Enqueue(r);
        var count = RecentCount + 1;
        while (count > window)
        {
            recent = recent.Dequeue();
            count--;
        }
        return new DeviceState(Math.Max(LastSeq, r.Seq), active, recent, count);
    }

    public bool Equals(DeviceState? other) =>
        other is not null && LastSeq == other.LastSeq && RecentCount == other.RecentCount
        && ActiveRules.SetEquals(other.ActiveRules) && Recent.SequenceEqual(other.Recent);

    public override int GetHashCode() => HashCode.Combine(LastSeq, RecentCount);
}
