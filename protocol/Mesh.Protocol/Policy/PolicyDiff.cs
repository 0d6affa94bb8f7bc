namespace Mesh.Protocol.Policy;

/// <summary>Compares two versions of a site policy by meaning (see <see cref="PolicyDiffResult"/>).</summary>
public static partial class PolicyDiff
{
    private const string None = "(none)";

    public static PolicyDiffResult Compare(SitePolicy oldPolicy, SitePolicy newPolicy)
    {
        ArgumentNullException.ThrowIfNull(oldPolicy);
        ArgumentNullException.ThrowIfNull(newPolicy);
        var policy = new List<PolicyFieldChange>();
        Field(policy, "site", oldPolicy.Site, newPolicy.Site);
        Field(policy, "version", oldPolicy.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            newPolicy.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(policy, "description", Quoted(oldPolicy.Description), Quoted(newPolicy.Description));

        var (groupsAdded, groupsRemoved, groupsChanged) = Items(oldPolicy.Groups, newPolicy.Groups, g => g.Id, GroupFields);
        var (rulesAdded, rulesRemoved, rulesChanged) = Items(oldPolicy.Rules, newPolicy.Rules, r => r.Id, RuleFields);
        var (limitsAdded, limitsRemoved) = RateLimits(oldPolicy.RateLimits, newPolicy.RateLimits);
        return new PolicyDiffResult
        {
            Old = oldPolicy,
            New = newPolicy,
            Policy = policy,
            RulesAdded = rulesAdded,
            RulesRemoved = rulesRemoved,
            RulesChanged = rulesChanged,
            GroupsAdded = groupsAdded,
            GroupsRemoved = groupsRemoved,
            GroupsChanged = groupsChanged,
            RateLimitsAdded = limitsAdded,
            RateLimitsRemoved = limitsRemoved,
            RoutingChanged = Routing(oldPolicy.Routing, newPolicy.Routing),
        };
    }

    /// <summary>Items by id: added (new order), removed (old order), changed (new order).</summary>
    private static (List<string> Added, List<string> Removed, List<PolicyItemChange> Changed) Items<T>(
        IReadOnlyList<T> oldItems, IReadOnlyList<T> newItems, Func<T, string> id, Func<T, T, List<PolicyFieldChange>> fields)
    {
        var oldById = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in oldItems)
            oldById.TryAdd(id(item), item);
        var newIds = newItems.Select(id).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        var changed = new List<PolicyItemChange>();
        foreach (var item in newItems)
        {
            if (!oldById.TryGetValue(id(item), out var old))
                added.Add(id(item));
            else if (fields(old, item) is { Count: > 0 } diff)
                changed.Add(new PolicyItemChange(id(item), diff));
        }
        var removed = oldItems.Select(id).Where(i => !newIds.Contains(i)).ToList();
        return (added, removed, changed);
    }

    private static void Field(List<PolicyFieldChange> changes, string field, string oldValue, string newValue)
    {
        if (!string.Equals(oldValue, newValue, StringComparison.Ordinal))
            changes.Add(new PolicyFieldChange(field, oldValue, newValue));
    }

    private static string Quoted(string text) => text.Length == 0 ? None : $"\"{text}\"";

    private static string List(IEnumerable<string> items) => $"[{string.Join(", ", items)}]";
}
