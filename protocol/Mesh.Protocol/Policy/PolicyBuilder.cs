using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

/// <summary>
/// Builds a <see cref="SitePolicy"/> from a YAML tree, reporting every problem it finds (not just the first):
/// unknown and missing keys, wrong types, bad values, and cross-references (rule → group, model → skill).
/// </summary>
internal sealed partial class PolicyBuilder : YamlBuilder
{
    /// <summary>What each rule refers to, checked once every group is known.</summary>
    private readonly List<RuleReferences> _references = [];

    private PolicyBuilder(YamlDiagnostics diagnostics)
        : base(diagnostics)
    {
    }

    /// <summary>The policy, or null when any error was reported (including earlier ones).</summary>
    public static SitePolicy? Build(YNode root, string text, string sha256, YamlDiagnostics diagnostics) =>
        new PolicyBuilder(diagnostics).Policy(root, text, sha256);

    private SitePolicy? Policy(YNode root, string text, string sha256)
    {
        if (root is not YMapping map)
        {
            Report(root, "a policy mapping with site, version and rules");
            return null;
        }
        CheckKeys(map, "the policy", PolicyKeys.Policy);
        const string owner = "the policy";
        var site = Required(map, "site", owner) is { } siteNode
            ? Name(siteNode, "site id", PolicyNames.IsValidSite, "1-128 characters without '/', '+', '#', NUL or white space")
            : null;
        var version = Required(map, "version", owner) is { } versionNode ? Integer(versionNode, 1) : null;
        var description = map.Get("description") is { } d ? Text(d) : "";
        var groups = map.Get("groups") is { } g ? Groups(g) : [];
        var rules = Required(map, "rules", owner) is { } r ? Rules(r) : null;
        var rateLimits = map.Get("rate_limits") is { } l ? RateLimits(l) : [];
        var routing = map.Get("routing") is { } ro ? Routing(ro) : RoutingLimits.Unlimited;
        CheckReferences();

        if (Diagnostics.Count > 0 || site is null || version is null || description is null || groups is null
            || rules is null || rateLimits is null || routing is null)
            return null;
        return new SitePolicy
        {
            Site = site,
            Version = version.Value,
            Description = description,
            Groups = groups,
            Rules = rules,
            RateLimits = rateLimits,
            Routing = routing,
            Sha256 = sha256,
            Text = text,
        };
    }
}
