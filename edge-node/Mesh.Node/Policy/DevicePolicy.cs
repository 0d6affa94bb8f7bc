using System.Collections.Frozen;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>
/// The active policy as it applies to one device: the rules of the groups the device belongs to,
/// compiled against the metrics they read. Immutable and shared by every reading of the device.
/// </summary>
public sealed class DevicePolicy
{
    internal DevicePolicy(string policyRef, string[] metrics, CompiledRule[] rules, CompiledWindow[] windows, RateLimit[] rateLimits,
        string[]? models = null, RoutingLimits? routing = null)
    {
        Models = models ?? [];
        Routing = routing;
        PolicyRef = policyRef;
        Metrics = metrics;
        Rules = rules;
        Windows = windows;
        RateLimits = rateLimits;
        RuleIndex = rules.Select((r, i) => KeyValuePair.Create(r.Id, i)).ToFrozenDictionary(StringComparer.Ordinal);
        IssuedRetentionMs = rateLimits.Length == 0 ? 0 : rateLimits.Max(l => (long)l.Per.TotalMilliseconds);
    }

    /// <summary>The policy's <see cref="SitePolicy.Ref"/>, recorded with every decision taken under it.</summary>
    public string PolicyRef { get; }

    /// <summary>Metric names the rules read, sorted ordinally; a metric's index is its slot.</summary>
    internal string[] Metrics { get; }

    internal CompiledRule[] Rules { get; }

    /// <summary>Models the rules read (outputs or confidence), sorted ordinally: each reading of the device runs them
    /// before the core decides.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>The site's routing limits for those models (null: none).</summary>
    public RoutingLimits? Routing { get; }

    /// <summary>A rule's position in <see cref="Rules"/>, by id.</summary>
    internal FrozenDictionary<string, int> RuleIndex { get; }

    internal CompiledWindow[] Windows { get; }

    internal RateLimit[] RateLimits { get; }

    /// <summary>How long issued commands must be remembered for the rate limits.</summary>
    public long IssuedRetentionMs { get; }

    public int RuleCount => Rules.Length;

    /// <summary>The priority of rule <paramref name="ruleId"/> (0 when this policy has no such rule).</summary>
    public int PriorityOf(string ruleId) => RuleIndex.TryGetValue(ruleId, out var i) ? Rules[i].Source.Priority : 0;
}
