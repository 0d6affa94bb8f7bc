using System.Globalization;
using System.Text;
using Mesh.Node.Decisions;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>
/// The policy a node runs before any policy file or hub policy reaches it: the threshold rules of
/// <c>Node:Rules</c> (or the default cooling rule), written out as a policy file so that it is recorded,
/// hashed and replayed exactly like any other. Its version is 1, but any policy from a file or the hub
/// replaces it whatever its version (see <see cref="PolicyHost"/>).
/// </summary>
public static class BuiltInPolicy
{
    public static SitePolicy For(string site, IReadOnlyList<ThresholdRule> rules)
    {
        var text = Render(site, rules);
        var parsed = PolicyLoader.Parse(text, "builtin:" + site);
        return parsed.Policy ?? throw new InvalidOperationException(
            "the built-in policy from Node:Rules is invalid: " + string.Join("; ", parsed.Errors));
    }

    public static string Render(string site, IReadOnlyList<ThresholdRule> rules)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"site: {site}\nversion: 1\ndescription: built-in threshold rules from Node:Rules\nrules:\n");
        foreach (var r in rules)
        {
            sb.Append(inv, $"  - id: {r.Name}\n");
            sb.Append(inv, $"    when: {{ metric: {r.Metric}, gt: {r.Above:R} }}\n");
            sb.Append(inv, $"    clear: {{ metric: {r.Metric}, lt: {r.Above - r.Hysteresis:R} }}\n");
            sb.Append(inv, $"    action: {r.OnAction}\n");
            if (r.OffAction.Length > 0)
                sb.Append(inv, $"    clear_action: {r.OffAction}\n");
        }
        return sb.ToString();
    }
}
