using System.Collections.Immutable;

namespace Mesh.Protocol.Crdt;

/// <summary>
/// The machinery under <see cref="OrSet{T}"/> and <see cref="MvRegister{T}"/>: the values present, each under the dot
/// of the write that put it there, and the causal context (every dot this replica has seen, present or removed).
/// Merge keeps a dot that both sides hold, or that one side holds and the other has never seen; a dot one side has
/// seen and dropped stays dropped. That is the standard join of causal CRDTs: commutative, associative and
/// idempotent. Immutable.
/// </summary>
public sealed class DotKernel<T> : IEquatable<DotKernel<T>>
{
    public static readonly DotKernel<T> Empty = new(ImmutableSortedDictionary<Dot, T>.Empty, VersionVector.Empty);

    private DotKernel(ImmutableSortedDictionary<Dot, T> entries, VersionVector context)
    {
        Entries = entries;
        Context = context;
    }

    public ImmutableSortedDictionary<Dot, T> Entries { get; }

    public VersionVector Context { get; }

    /// <summary>Rebuilds a kernel from its parts (decoding). Every entry's dot must be in the context.</summary>
    public static DotKernel<T> Of(IEnumerable<KeyValuePair<Dot, T>> entries, VersionVector context)
    {
        var e = ImmutableSortedDictionary.CreateRange(entries);
        foreach (var dot in e.Keys)
            if (!context.Contains(dot))
                throw new ArgumentException($"entry {dot} is not in the causal context {context}", nameof(entries));
        return new DotKernel<T>(e, context);
    }

    /// <summary>Adds <paramref name="value"/> under a new dot of <paramref name="nodeId"/>.</summary>
    public DotKernel<T> Add(string nodeId, T value)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        var (context, dot) = Context.Next(nodeId);
        return new DotKernel<T>(Entries.Add(dot, value), context);
    }

    /// <summary>Drops the entries <paramref name="match"/> selects; their dots stay in the context, so merging with a
    /// replica that still holds them drops them there too.</summary>
    public DotKernel<T> RemoveWhere(Func<T, bool> match)
    {
        var kept = Entries;
        foreach (var (dot, value) in Entries)
            if (match(value))
                kept = kept.Remove(dot);
        return ReferenceEquals(kept, Entries) ? this : new DotKernel<T>(kept, Context);
    }

    public DotKernel<T> Merge(DotKernel<T> other)
    {
        if (ReferenceEquals(this, other))
            return this;
        var b = ImmutableSortedDictionary.CreateBuilder<Dot, T>();
        foreach (var (dot, value) in Entries)
            if (other.Entries.ContainsKey(dot) || !other.Context.Contains(dot))
                b[dot] = value;
        foreach (var (dot, value) in other.Entries)
            if (!b.ContainsKey(dot) && !Context.Contains(dot))
                b[dot] = value;
        return new DotKernel<T>(b.ToImmutable(), Context.Merge(other.Context));
    }

    public bool Equals(DotKernel<T>? other) =>
        other is not null && Context.Equals(other.Context) && Entries.Count == other.Entries.Count
        && Entries.All(e => other.Entries.TryGetValue(e.Key, out var v) && EqualityComparer<T>.Default.Equals(e.Value, v));

    public override bool Equals(object? obj) => Equals(obj as DotKernel<T>);

    public override int GetHashCode() => HashCode.Combine(Entries.Count, Context);
}
