namespace Mesh.Protocol.Crdt;

/// <summary>
/// A multi-value register: a write replaces every value its writer has seen, so after a merge the register holds
/// one value, or several when writes were concurrent (made on replicas that had not seen each other's). Nothing is
/// chosen here: the holder of the register decides what concurrent values mean (for device commands:
/// <see cref="CommandConflicts"/>). Immutable.
/// </summary>
public sealed class MvRegister<T> : IEquatable<MvRegister<T>>
{
    public static readonly MvRegister<T> Empty = new(DotKernel<T>.Empty);

    private MvRegister(DotKernel<T> kernel) => Kernel = kernel;

    public DotKernel<T> Kernel { get; }

    public static MvRegister<T> Of(DotKernel<T> kernel) => new(kernel);

    /// <summary>The values present, in dot order (deterministic on every replica).</summary>
    public IReadOnlyList<(Dot Dot, T Value)> Values => Kernel.Entries.Select(e => (e.Key, e.Value)).ToArray();

    public MvRegister<T> Write(string nodeId, T value) => new(Kernel.RemoveWhere(_ => true).Add(nodeId, value));

    /// <summary>A write that replaces the values it has seen except those <paramref name="keep"/> holds on to: they stay
    /// beside it as if the write had been concurrent with them (merge treats them so on every replica).</summary>
    public MvRegister<T> Write(string nodeId, T value, Func<T, bool> keep) => new(Kernel.RemoveWhere(v => !keep(v)).Add(nodeId, value));

    public MvRegister<T> Merge(MvRegister<T> other) => ReferenceEquals(this, other) ? this : new(Kernel.Merge(other.Kernel));

    public bool Equals(MvRegister<T>? other) => other is not null && Kernel.Equals(other.Kernel);

    public override bool Equals(object? obj) => Equals(obj as MvRegister<T>);

    public override int GetHashCode() => Kernel.GetHashCode();
}
