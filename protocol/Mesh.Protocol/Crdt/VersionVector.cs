using System.Collections.Immutable;

namespace Mesh.Protocol.Crdt;

/// <summary>
/// What a replica has seen: for each node, the highest counter of that node's dots it knows. Every CRDT here is
/// merged from whole states (never from partial deltas), so a replica that knows a node's dot <c>n</c> also knows
/// all of that node's dots below it, and one counter per node describes the set. Immutable.
/// </summary>
public sealed class VersionVector : IEquatable<VersionVector>
{
    public static readonly VersionVector Empty = new(ImmutableSortedDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal));

    private VersionVector(ImmutableSortedDictionary<string, long> counters) => Counters = counters;

    /// <summary>Node id → highest counter seen. Nodes never seen are absent (counter 0).</summary>
    public ImmutableSortedDictionary<string, long> Counters { get; }

    public static VersionVector Of(IEnumerable<KeyValuePair<string, long>> counters)
    {
        var b = Empty.Counters.ToBuilder();
        foreach (var (node, counter) in counters)
        {
            if (counter < 0)
                throw new ArgumentOutOfRangeException(nameof(counters), $"counter of '{node}' is negative ({counter})");
            if (counter > 0)
                b[node] = Math.Max(counter, b.GetValueOrDefault(node));
        }
        return new VersionVector(b.ToImmutable());
    }

    public long this[string nodeId] => Counters.GetValueOrDefault(nodeId);

    public bool Contains(Dot dot) => this[dot.NodeId] >= dot.Counter;

    /// <summary>The next dot of <paramref name="nodeId"/> and the vector that includes it.</summary>
    public (VersionVector Vector, Dot Dot) Next(string nodeId)
    {
        var dot = new Dot(nodeId, this[nodeId] + 1);
        return (new VersionVector(Counters.SetItem(nodeId, dot.Counter)), dot);
    }

    /// <summary>Pointwise maximum: commutative, associative, idempotent.</summary>
    public VersionVector Merge(VersionVector other)
    {
        if (ReferenceEquals(this, other) || other.Counters.Count == 0)
            return this;
        var b = Counters.ToBuilder();
        foreach (var (node, counter) in other.Counters)
            if (counter > b.GetValueOrDefault(node))
                b[node] = counter;
        return new VersionVector(b.ToImmutable());
    }

    /// <summary>Whether this vector has seen everything <paramref name="other"/> has.</summary>
    public bool Dominates(VersionVector other) => other.Counters.All(c => this[c.Key] >= c.Value);

    public bool Equals(VersionVector? other) =>
        other is not null && Counters.Count == other.Counters.Count && Counters.All(c => other[c.Key] == c.Value);

    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var (node, counter) in Counters)
        {
            h.Add(node);
            h.Add(counter);
        }
        return h.ToHashCode();
    }

    public override string ToString() => "{" + string.Join(", ", Counters.Select(c => $"{c.Key}:{c.Value}")) + "}";
}
