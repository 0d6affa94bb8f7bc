using System.Collections.Immutable;

namespace Mesh.Protocol.Crdt;

/// <summary>
/// A counter that several nodes increase and decrease at once: each node counts its own increments (P) and
/// decrements (N); the value is ΣP − ΣN. Merge takes each node's larger count: commutative, associative and
/// idempotent, so every replica that has seen the same increments shows the same total. Immutable.
/// </summary>
public sealed class PnCounter : IEquatable<PnCounter>
{
    private static readonly ImmutableSortedDictionary<string, long> None = ImmutableSortedDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal);

    public static readonly PnCounter Zero = new(None, None);

    private PnCounter(ImmutableSortedDictionary<string, long> increments, ImmutableSortedDictionary<string, long> decrements)
    {
        Increments = increments;
        Decrements = decrements;
    }

    /// <summary>Node id → the sum of that node's increments (never negative).</summary>
    public ImmutableSortedDictionary<string, long> Increments { get; }

    /// <summary>Node id → the sum of that node's decrements (never negative).</summary>
    public ImmutableSortedDictionary<string, long> Decrements { get; }

    public long Value => Increments.Values.Sum() - Decrements.Values.Sum();

    /// <summary>What <paramref name="nodeId"/> alone has added (its increments less its decrements).</summary>
    public long ValueOf(string nodeId) => Increments.GetValueOrDefault(nodeId) - Decrements.GetValueOrDefault(nodeId);

    public static PnCounter Of(IEnumerable<KeyValuePair<string, long>> increments, IEnumerable<KeyValuePair<string, long>> decrements) =>
        new(Checked(increments, nameof(increments)), Checked(decrements, nameof(decrements)));

    /// <summary>Adds <paramref name="delta"/> (negative: subtracts) on behalf of <paramref name="nodeId"/>.</summary>
    public PnCounter Add(string nodeId, long delta)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        if (delta == 0)
            return this;
        return delta > 0
            ? new PnCounter(Increments.SetItem(nodeId, checked(Increments.GetValueOrDefault(nodeId) + delta)), Decrements)
            : new PnCounter(Increments, Decrements.SetItem(nodeId, checked(Decrements.GetValueOrDefault(nodeId) - delta)));
    }

    public PnCounter Merge(PnCounter other) =>
        ReferenceEquals(this, other) ? this : new PnCounter(Max(Increments, other.Increments), Max(Decrements, other.Decrements));

    private static ImmutableSortedDictionary<string, long> Max(ImmutableSortedDictionary<string, long> a, ImmutableSortedDictionary<string, long> b)
    {
        var builder = a.ToBuilder();
        foreach (var (node, count) in b)
            if (count > builder.GetValueOrDefault(node))
                builder[node] = count;
        return builder.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, long> Checked(IEnumerable<KeyValuePair<string, long>> counts, string name)
    {
        var b = None.ToBuilder();
        foreach (var (node, count) in counts)
        {
            if (count < 0)
                throw new ArgumentOutOfRangeException(name, $"count of '{node}' is negative ({count})");
            if (count > 0)
                b[node] = count;
        }
        return b.ToImmutable();
    }

    public bool Equals(PnCounter? other) =>
        other is not null && Same(Increments, other.Increments) && Same(Decrements, other.Decrements);

    private static bool Same(ImmutableSortedDictionary<string, long> a, ImmutableSortedDictionary<string, long> b) =>
        a.Count == b.Count && a.All(x => b.GetValueOrDefault(x.Key) == x.Value);

    public override bool Equals(object? obj) => Equals(obj as PnCounter);

    public override int GetHashCode() => HashCode.Combine(Value, Increments.Count, Decrements.Count);

    public override string ToString() => $"{Value} (+{string.Join(",", Increments.Select(i => $"{i.Key}:{i.Value}"))} -{string.Join(",", Decrements.Select(d => $"{d.Key}:{d.Value}"))})";
}
