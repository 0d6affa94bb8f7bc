namespace Mesh.Protocol;

/// <summary>A node's identity, unique across the fleet.</summary>
public readonly record struct NodeId(string Value)
{
    public override string ToString() => Value;
}

/// <summary>A site (one branch office); the second segment of every device topic.</summary>
public readonly record struct SiteId(string Value)
{
    public override string ToString() => Value;
}

/// <summary>A device within a site; the third segment of every device topic.</summary>
public readonly record struct DeviceId(string Value)
{
    public override string ToString() => Value;
}
