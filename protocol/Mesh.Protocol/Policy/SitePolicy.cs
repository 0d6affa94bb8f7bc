namespace Mesh.Protocol.Policy;

/// <summary>
/// One site's policy file (<c>policies/&lt;site&gt;.yaml</c>), parsed and validated: what the agents of the site
/// may do, what needs a person, and the limits the router works within. Immutable. Build with
/// <see cref="PolicyLoader"/>, which is the only way a policy enters a process.
/// </summary>
public sealed record SitePolicy
{
    /// <summary>Largest policy file accepted (bytes). A policy travels whole inside a <c>PolicyActivated</c>
    /// audit record, which is limited to 64 KiB.</summary>
    public const int MaxFileBytes = 48 * 1024;

    public required string Site { get; init; }

    /// <summary>The file's version; a site's versions only grow (the hub refuses a push that does not).</summary>
    public required long Version { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<DeviceGroup> Groups { get; init; } = [];

    /// <summary>Rules in file order; ids are unique within the file.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];

    public IReadOnlyList<RateLimit> RateLimits { get; init; } = [];

    public RoutingLimits Routing { get; init; } = RoutingLimits.Unlimited;

    /// <summary>Lower-case hex SHA-256 of the file's exact bytes (UTF-8 text as written).</summary>
    public required string Sha256 { get; init; }

    /// <summary>The policy's exact text, kept so that it can be recorded, distributed and replayed.</summary>
    public required string Text { get; init; }

    /// <summary>How records name this policy: <c>v&lt;version&gt;/&lt;first 12 hex of sha256&gt;</c>.</summary>
    public string Ref => $"v{Version}/{Sha256[..12]}";

    public PolicyRule? FindRule(string id)
    {
        foreach (var rule in Rules)
            if (rule.Id == id)
                return rule;
        return null;
    }
}
