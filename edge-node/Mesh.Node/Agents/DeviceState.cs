using System.Collections.Immutable;
using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

/// <summary>
/// A device agent's state: the highest reading sequence processed, the rules currently on, the count
/// windows and recent commands the policy needs, the approvals waiting for a person, and the last few
/// processed readings (so a redelivered reading can have its audit records re-submitted).
/// Immutable; <see cref="Apply"/> is pure.
/// </summary>
public sealed record DeviceState(
    long LastSeq,
    ImmutableSortedSet<string> ActiveRules,
    ImmutableQueue<DeviceEvents.ReadingProcessed> Recent,
    int RecentCount,
    ImmutableDictionary<string, WindowTimes> Windows,
    ImmutableList<IssuedCommand> Issued,
    ImmutableSortedDictionary<string, PendingApproval> Pending)
{
    public static readonly DeviceState Empty = new(
        0,
        ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        [],
        0,
        ImmutableDictionary<string, WindowTimes>.Empty.WithComparers(StringComparer.Ordinal),
        [],
        ImmutableSortedDictionary<string, PendingApproval>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>Sequences at or below the last processed one are redeliveries: devices send strictly increasing sequences.</summary>
    public bool HasSeen(long seq) => seq <= LastSeq;

    public DeviceEvents.ReadingProcessed? FindRecent(long seq) => Recent.FirstOrDefault(r => r.Seq == seq);

    /// <summary>Readings counted in window <paramref name="key"/> after <paramref name="afterMs"/> and at or before
    /// <paramref name="untilMs"/> (a device whose clock stepped back has readings stamped later than the current one).</summary>
    public int CountWithin(string key, long afterMs, long untilMs) =>
        Windows.TryGetValue(key, out var times) ? times.CountWithin(afterMs, untilMs) : 0;

    /// <summary>Commands sent after <paramref name="afterMs"/>, of <paramref name="action"/> or of any for <c>*</c>.</summary>
    public int IssuedWithin(string action, long afterMs)
    {
        var n = 0;
        foreach (var c in Issued)
            if (c.TsMs > afterMs && (action == "*" || c.Action == action))
                n++;
        return n;
    }

    public DeviceState Apply(IDeviceEvent evt, int window) => evt switch
    {
        DeviceEvents.ReadingProcessed r => ApplyReading(r, window),
        DeviceEvents.ApprovalSettled s => ApplySettled(s),
        _ => this,
    };

    private DeviceState ApplyReading(DeviceEvents.ReadingProcessed r, int window)
    {
        var active = ActiveRules;
        var pending = Pending;
        var issued = Issued;
        var tsMs = r.Timestamp.ToUnixTimeMilliseconds();
        foreach (var f in r.Fired)
        {
            active = f.Active ? active.Add(f.Rule) : active.Remove(f.Rule);
            if (f.Sends)
                issued = issued.Add(new IssuedCommand(f.Action, tsMs));
            if (f.Approval is { } a)
                pending = pending.SetItem(a.Id, a);
        }
        // Commands are added in (nearly) time order: dropping from the front keeps this O(log n) per reading.
        while (issued.Count > 0 && issued[0].TsMs <= r.IssuedPruneBeforeMs)
            issued = issued.RemoveAt(0);

        var windows = Windows;
        foreach (var hit in r.Hits)
            windows = windows.SetItem(hit.Key, (windows.TryGetValue(hit.Key, out var t) ? t : WindowTimes.Empty).Add(hit.TsMs, hit.PruneBeforeMs));

        var recent = Recent.Enqueue(r);
        var count = RecentCount + 1;
        while (count > window)
        {
            recent = recent.Dequeue();
            count--;
        }
        return new DeviceState(Math.Max(LastSeq, r.Seq), active, recent, count, windows, issued, pending);
    }

    private DeviceState ApplySettled(DeviceEvents.ApprovalSettled s)
    {
        if (!Pending.TryGetValue(s.ApprovalId, out var p))
            return this;
        var issued = s.Executed ? Issued.Add(new IssuedCommand(p.Action, p.ReadingTsMs)) : Issued;
        return this with { Pending = Pending.Remove(s.ApprovalId), Issued = issued };
    }

    public bool Equals(DeviceState? other) =>
        other is not null && LastSeq == other.LastSeq && RecentCount == other.RecentCount
        && ActiveRules.SetEquals(other.ActiveRules) && Recent.SequenceEqual(other.Recent)
        && Windows.Count == other.Windows.Count
        && Windows.All(w => other.Windows.TryGetValue(w.Key, out var o) && o.SequenceEqual(w.Value))
        && Issued.SequenceEqual(other.Issued) && Pending.SequenceEqual(other.Pending);

    public override int GetHashCode() => HashCode.Combine(LastSeq, RecentCount);
}
