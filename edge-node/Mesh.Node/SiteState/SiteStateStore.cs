using Mesh.Protocol.Crdt;
using Mesh.Protocol.Time;

namespace Mesh.Node.SiteState;

/// <summary>
/// This node's replica of its site's shared state: device modes (LWW registers), open alarms (OR-sets), the budget
/// spent per day (PN-counters) and the commands sent to each device (multi-value registers). Local writes go through
/// the Protocol CRDTs' own operations; what arrives from the site's cluster or the hub is merged by their merge rules.
/// Soft state: rebuilt from the hub and the site's members after a restart (the journal stays the record).
/// Thread-safe.
/// </summary>
public sealed class SiteStateStore(string nodeId, HybridLogicalClock clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Slot> _entries = new(StringComparer.Ordinal);
    private long _version;

    private sealed record Slot(SiteEntry Entry, long Version, long LocalVersion);

    public string NodeId { get; } = nodeId;

    public HybridLogicalClock Clock { get; } = clock;

    /// <summary>Entries that changed by a merge (from the cluster or the hub), after the change.</summary>
    public event Action<IReadOnlyList<SiteEntry>>? Merged;

    /// <summary>Entries this node wrote, after the write (the cluster bridge replicates them).</summary>
    public event Action<SiteEntry>? Written;

    public SiteEntry? Get(string key)
    {
        lock (_gate)
            return _entries.GetValueOrDefault(key)?.Entry;
    }

    public IReadOnlyList<SiteEntry> All()
    {
        lock (_gate)
            return [.. _entries.Values.Select(s => s.Entry).OrderBy(e => e.Key, StringComparer.Ordinal)];
    }

    /// <summary>Entries this node wrote after <paramref name="localVersion"/>, and the version to ask from next time.</summary>
    public IReadOnlyList<SiteEntry> WrittenSince(long localVersion, out long now)
    {
        lock (_gate)
        {
            now = _version;
            return [.. _entries.Values.Where(s => s.LocalVersion > localVersion).Select(s => s.Entry)];
        }
    }

    /// <summary>Merges entries from elsewhere; raises <see cref="Merged"/> with those that changed.</summary>
    public IReadOnlyList<SiteEntry> Merge(IEnumerable<SiteEntry> incoming)
    {
        var changed = new List<SiteEntry>();
        lock (_gate)
        {
            foreach (var entry in incoming)
            {
                Observe(entry);
                var slot = _entries.GetValueOrDefault(entry.Key);
                var merged = slot is null ? entry : slot.Entry.Merge(entry);
                if (slot is not null && merged.Equals(slot.Entry))
                    continue;
                _entries[entry.Key] = new Slot(merged, ++_version, slot?.LocalVersion ?? 0);
                changed.Add(merged);
            }
        }
        if (changed.Count > 0)
            Merged?.Invoke(changed);
        return changed;
    }

    /// <summary>Records a command this node sent to <paramref name="device"/>; it replaces every command of the device
    /// this node has seen but another node's different answer to the same reading, and the device's mode follows it.</summary>
    /// <param name="settles">When the command settles a conflict: the register's values it replaces (see
    /// <see cref="DeviceCommand.Settles"/>).</param>
    public void RecordCommand(string device, string action, string rule, int priority, long readingSeq, IReadOnlyList<SettledCommand>? settles = null)
    {
        var stamp = Clock.Now();
        var command = new DeviceCommand(action, rule, priority, stamp, readingSeq) { Settles = settles };
        // Another node's different answer to the same reading stays beside this one (the conflict rule decides), unless
        // this command settles the conflict.
        Write(SiteKeys.Commands(device), key => new CommandsEntry(key, MvRegister<DeviceCommand>.Empty),
            e => ((CommandsEntry)e) with
            {
                Commands = settles is null
                    ? ((CommandsEntry)e).Commands.Write(NodeId, command, other => CommandConflicts.Contradicts(other, NodeId, action, readingSeq))
                    : ((CommandsEntry)e).Commands.Write(NodeId, command),
            });
        Write(SiteKeys.Mode(device), key => new ModeEntry(key, new LwwRegister<DeviceMode>(new DeviceMode("", "", 0, 0), default)),
            e => ((ModeEntry)e) with { Register = ((ModeEntry)e).Register.Write(new DeviceMode(action, rule, priority, readingSeq), stamp) });
    }

    /// <summary>Opens or closes the alarm <paramref name="rule"/> of <paramref name="device"/> (an active rule).</summary>
    public void SetAlarm(string device, string rule, bool open) =>
        Write(SiteKeys.Alarms(device), key => new AlarmsEntry(key, OrSet<string>.Empty),
            e => ((AlarmsEntry)e) with { Alarms = open ? ((AlarmsEntry)e).Alarms.Add(NodeId, rule) : ((AlarmsEntry)e).Alarms.Remove(rule) });

    /// <summary>Adds to (or, negative, gives back from) this node's spending on <paramref name="utcDay"/>, in micro-units.</summary>
    public void AddSpend(DateOnly utcDay, long micros)
    {
        if (micros != 0)
            Write(SiteKeys.Budget(utcDay), key => new BudgetEntry(key, PnCounter.Zero), e => ((BudgetEntry)e) with { Spent = ((BudgetEntry)e).Spent.Add(NodeId, micros) });
    }

    /// <summary>What the other nodes of the site spent on <paramref name="utcDay"/>, in micro-units, as far as this replica knows.</summary>
    public long SpentByOthers(DateOnly utcDay) =>
        Get(SiteKeys.Budget(utcDay)) is BudgetEntry b ? b.Spent.Value - b.Spent.ValueOf(NodeId) : 0;

    /// <summary>What <paramref name="node"/> spent on <paramref name="utcDay"/>, in micro-units, as far as this replica knows.</summary>
    public long SpentBy(DateOnly utcDay, string node) => Get(SiteKeys.Budget(utcDay)) is BudgetEntry b ? b.Spent.ValueOf(node) : 0;

    /// <summary>A merge is a receive event of the hybrid logical clock: this node's next stamps order after what it saw,
    /// however far behind its wall clock is.</summary>
    private void Observe(SiteEntry entry)
    {
        switch (entry)
        {
            case ModeEntry m when !string.IsNullOrEmpty(m.Register.Stamp.NodeId):
                Clock.Observe(m.Register.Stamp);
                break;
            case CommandsEntry c:
                foreach (var (_, command) in c.Commands.Values)
                    Clock.Observe(command.Stamp);
                break;
        }
    }

    private void Write(string key, Func<string, SiteEntry> create, Func<SiteEntry, SiteEntry> update)
    {
        SiteEntry written;
        lock (_gate)
        {
            var slot = _entries.GetValueOrDefault(key);
            written = update(slot?.Entry ?? create(key));
            var version = ++_version;
            _entries[key] = new Slot(written, version, version);
        }
        Written?.Invoke(written);
    }
}
