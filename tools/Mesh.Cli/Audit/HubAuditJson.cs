namespace Mesh.Cli.Audit;

// The hub's audit HTTP API, as far as verification needs it; other fields are ignored.

/// <summary>An entry of <c>GET /api/nodes</c>.</summary>
internal sealed class HubNodeJson
{
    public string? NodeId { get; init; }

    public long LastSeq { get; init; }

    /// <summary>Hex hash of the record at <see cref="LastSeq"/>.</summary>
    public string? LastHash { get; init; }

    /// <summary>Hex SHA-256 of the key the hub pinned for the node; empty when none is pinned.</summary>
    public string? KeyFingerprint { get; init; }
}

/// <summary><c>GET /api/nodes/{id}/audit?after=SEQ&amp;limit=N</c>: the records after SEQ, in order.</summary>
internal sealed class HubAuditPageJson
{
    public string? NodeId { get; init; }

    public List<HubAuditRecordJson>? Records { get; init; }

    public long? NextAfter { get; init; }
}

internal sealed class HubAuditRecordJson
{
    public long Seq { get; init; }

    public string? Device { get; init; }

    public string? MessageKey { get; init; }

    /// <summary>Hex.</summary>
    public string? PrevHash { get; init; }

    /// <summary>Hex.</summary>
    public string? Hash { get; init; }

    /// <summary>Base64 of the canonical encoding: what the chain is verified over.</summary>
    public string? Canonical { get; init; }
}
