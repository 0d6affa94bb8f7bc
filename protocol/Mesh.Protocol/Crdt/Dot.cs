namespace Mesh.Protocol.Crdt;

/// <summary>One event of one replica: the <paramref name="Counter"/>-th write of <paramref name="NodeId"/> to a CRDT.
/// Dots are unique, so a write is identified by its dot wherever it travels.</summary>
public readonly record struct Dot(string NodeId, long Counter) : IComparable<Dot>
{
    public int CompareTo(Dot other)
    {
        var c = string.CompareOrdinal(NodeId, other.NodeId);
        return c != 0 ? c : Counter.CompareTo(other.Counter);
    }

    public override string ToString() => $"{NodeId}:{Counter}";
}
