namespace Mesh.Protocol.Crdt;

/// <summary>
/// One key of a site's shared state and its CRDT. <see cref="Merge"/> merges two replicas of the same key by the
/// kind's rule (defined once, here and in the CRDT types); node, cluster and hub all merge through it.
/// </summary>
public abstract record SiteEntry(string Key)
{
    public abstract SiteEntryKind Kind { get; }

    /// <summary>Merges <paramref name="other"/> (the same key) into this entry.</summary>
    /// <exception cref="ArgumentException">The keys or kinds differ.</exception>
    public SiteEntry Merge(SiteEntry other)
    {
        if (other.Key != Key || other.Kind != Kind)
            throw new ArgumentException($"cannot merge {other.Kind} '{other.Key}' into {Kind} '{Key}'", nameof(other));
        return MergeSameKey(other);
    }

    protected abstract SiteEntry MergeSameKey(SiteEntry other);
}

public sealed record ModeEntry(string Key, LwwRegister<DeviceMode> Register) : SiteEntry(Key)
{
    public override SiteEntryKind Kind => SiteEntryKind.Mode;

    protected override SiteEntry MergeSameKey(SiteEntry other)
    {
        var merged = Register.Merge(((ModeEntry)other).Register);
        return ReferenceEquals(merged, Register) ? this : other;
    }
}

public sealed record AlarmsEntry(string Key, OrSet<string> Alarms) : SiteEntry(Key)
{
    public override SiteEntryKind Kind => SiteEntryKind.Alarms;

    protected override SiteEntry MergeSameKey(SiteEntry other) => this with { Alarms = Alarms.Merge(((AlarmsEntry)other).Alarms) };

    public bool Equals(AlarmsEntry? other) => other is not null && Key == other.Key && Alarms.Equals(other.Alarms);

    public override int GetHashCode() => HashCode.Combine(Key, Alarms);
}

public sealed record BudgetEntry(string Key, PnCounter Spent) : SiteEntry(Key)
{
    public override SiteEntryKind Kind => SiteEntryKind.Budget;

    protected override SiteEntry MergeSameKey(SiteEntry other) => this with { Spent = Spent.Merge(((BudgetEntry)other).Spent) };

    public bool Equals(BudgetEntry? other) => other is not null && Key == other.Key && Spent.Equals(other.Spent);

    public override int GetHashCode() => HashCode.Combine(Key, Spent);
}

public sealed record CommandsEntry(string Key, MvRegister<DeviceCommand> Commands) : SiteEntry(Key)
{
    public override SiteEntryKind Kind => SiteEntryKind.Commands;

    protected override SiteEntry MergeSameKey(SiteEntry other) => this with { Commands = Commands.Merge(((CommandsEntry)other).Commands) };

    public bool Equals(CommandsEntry? other) => other is not null && Key == other.Key && Commands.Equals(other.Commands);

    public override int GetHashCode() => HashCode.Combine(Key, Commands);
}
