namespace Mesh.Protocol.Policy;

/// <summary>One field that differs, both sides rendered as text (<c>(none)</c> for an absent value).</summary>
public sealed record PolicyFieldChange(string Field, string Old, string New)
{
    public override string ToString() => $"{Field}: {Old} -> {New}";
}

/// <summary>A rule or group present in both versions whose fields differ, in the order of
/// <see cref="PolicyKeys.Rule"/> / <see cref="PolicyKeys.Group"/>.</summary>
public sealed record PolicyItemChange(string Id, IReadOnlyList<PolicyFieldChange> Fields);

/// <summary>
/// What changed between two versions of a site policy, by meaning rather than by text: reordering keys, comments
/// or formatting change nothing here. Lists are in a fixed order: added items as the new file orders them,
/// removed and changed ones as the old and new file order them.
/// </summary>
public sealed record PolicyDiffResult
{
    public required SitePolicy Old { get; init; }

    public required SitePolicy New { get; init; }

    /// <summary>Changes to <c>site</c>, <c>version</c> and <c>description</c>.</summary>
    public IReadOnlyList<PolicyFieldChange> Policy { get; init; } = [];

    public IReadOnlyList<string> RulesAdded { get; init; } = [];

    public IReadOnlyList<string> RulesRemoved { get; init; } = [];

    public IReadOnlyList<PolicyItemChange> RulesChanged { get; init; } = [];

    public IReadOnlyList<string> GroupsAdded { get; init; } = [];

    public IReadOnlyList<string> GroupsRemoved { get; init; } = [];

    public IReadOnlyList<PolicyItemChange> GroupsChanged { get; init; } = [];

    /// <summary>Rate limits only in the new version, rendered with <see cref="PolicyText.Format(RateLimit)"/>.</summary>
    public IReadOnlyList<string> RateLimitsAdded { get; init; } = [];

    public IReadOnlyList<string> RateLimitsRemoved { get; init; } = [];

    public IReadOnlyList<PolicyFieldChange> RoutingChanged { get; init; } = [];

    /// <summary>Whether the two versions differ in anything but text (the version number counts).</summary>
    public bool HasChanges =>
        Policy.Count + RulesAdded.Count + RulesRemoved.Count + RulesChanged.Count + GroupsAdded.Count + GroupsRemoved.Count
        + GroupsChanged.Count + RateLimitsAdded.Count + RateLimitsRemoved.Count + RoutingChanged.Count > 0;

    /// <summary>One line per change: a header, then <c>+</c> added, <c>-</c> removed, <c>~</c> changed.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string> { $"policy {New.Site}: {Old.Ref} -> {New.Ref}" };
        lines.AddRange(Policy.Select(c => $"~ {c}"));
        lines.AddRange(GroupsAdded.Select(id => $"+ group {id}"));
        lines.AddRange(GroupsRemoved.Select(id => $"- group {id}"));
        lines.AddRange(GroupsChanged.SelectMany(g => g.Fields.Select(c => $"~ group {g.Id}: {c}")));
        lines.AddRange(RulesAdded.Select(id => $"+ rule {id}"));
        lines.AddRange(RulesRemoved.Select(id => $"- rule {id}"));
        lines.AddRange(RulesChanged.SelectMany(r => r.Fields.Select(c => $"~ rule {r.Id}: {c}")));
        lines.AddRange(RateLimitsAdded.Select(l => $"+ rate limit {l}"));
        lines.AddRange(RateLimitsRemoved.Select(l => $"- rate limit {l}"));
        lines.AddRange(RoutingChanged.Select(c => $"~ routing: {c}"));
        if (!HasChanges)
            lines.Add(Old.Sha256 == New.Sha256 ? "no changes (the same text)" : "no semantic changes (only comments or formatting differ)");
        return lines;
    }

    public override string ToString() => string.Join('\n', Lines());
}
