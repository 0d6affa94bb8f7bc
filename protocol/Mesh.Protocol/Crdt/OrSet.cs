namespace Mesh.Protocol.Crdt;

/// <summary>
/// An observed-remove set (add wins): removing an element removes the additions this replica has seen; an addition
/// made concurrently elsewhere survives the merge. Used for the open alarms of a site. Immutable.
/// </summary>
public sealed class OrSet<T> : IEquatable<OrSet<T>> where T : notnull
{
    public static readonly OrSet<T> Empty = new(DotKernel<T>.Empty);

    private OrSet(DotKernel<T> kernel) => Kernel = kernel;

    public DotKernel<T> Kernel { get; }

    public static OrSet<T> Of(DotKernel<T> kernel) => new(kernel);

    public IReadOnlySet<T> Elements => Kernel.Entries.Values.ToHashSet();

    public bool Contains(T element) => Kernel.Entries.Values.Contains(element);

    /// <summary>Adds <paramref name="element"/> as <paramref name="nodeId"/>, replacing the additions of it already seen.</summary>
    public OrSet<T> Add(string nodeId, T element) =>
        new(Kernel.RemoveWhere(e => EqualityComparer<T>.Default.Equals(e, element)).Add(nodeId, element));

    public OrSet<T> Remove(T element) =>
        Contains(element) ? new(Kernel.RemoveWhere(e => EqualityComparer<T>.Default.Equals(e, element))) : this;

    public OrSet<T> Merge(OrSet<T> other) => ReferenceEquals(this, other) ? this : new(Kernel.Merge(other.Kernel));

    public bool Equals(OrSet<T>? other) => other is not null && Kernel.Equals(other.Kernel);

    public override bool Equals(object? obj) => Equals(obj as OrSet<T>);

    public override int GetHashCode() => Kernel.GetHashCode();
}
