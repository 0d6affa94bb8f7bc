namespace Mesh.Hub.Policies;

// The bodies of the policy audit records as nodes write them (compact JSON, camelCase).

/// <summary>Body of a <c>PolicyActivated</c> record. The full text is in it too; the hub indexes only what
/// identifies the policy.</summary>
internal sealed class PolicyActivatedBody
{
    public string? Site { get; init; }

    public long? Version { get; init; }

    public string? Sha256 { get; init; }

    public string? Source { get; init; }

    public long Activation { get; init; }
}

/// <summary>Body of a <c>PolicyRejected</c> record; version and hash are 0 / empty when the node could not
/// read them, and the record's Outcome field carries the reason.</summary>
internal sealed class PolicyRejectedBody
{
    public string? Site { get; init; }

    public long Version { get; init; }

    public string? Sha256 { get; init; }

    public string? Source { get; init; }
}
