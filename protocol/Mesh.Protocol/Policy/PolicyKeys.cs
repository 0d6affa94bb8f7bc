namespace Mesh.Protocol.Policy;

/// <summary>
/// Every key the policy format knows, per mapping, in the order the documentation lists them. The loader
/// refuses any other key, and a test holds <c>docs/policy.schema.json</c> to exactly these sets.
/// </summary>
public static class PolicyKeys
{
    public static readonly IReadOnlyList<string> Policy = ["site", "version", "description", "groups", "rules", "rate_limits", "routing"];

    public static readonly IReadOnlyList<string> Group = ["id", "devices", "attributes", "skills"];

    public static readonly IReadOnlyList<string> Rule =
        ["id", "description", "groups", "when", "clear", "action", "clear_action", "priority", "gate", "approval"];

    public static readonly IReadOnlyList<string> Approval = ["role", "timeout", "on_timeout", "offline", "max_age"];

    public static readonly IReadOnlyList<string> RateLimit = ["action", "max", "per"];

    public static readonly IReadOnlyList<string> Routing =
        ["max_latency", "max_cost_per_decision", "daily_budget", "currency", "raw_readings_leave_site"];

    /// <summary>The comparison operators; a comparison holds exactly one.</summary>
    public static readonly IReadOnlyList<string> Operators = ["gt", "ge", "lt", "le", "eq", "ne"];

    /// <summary>The keys that decide a condition's shape; a condition holds exactly one.</summary>
    public static readonly IReadOnlyList<string> ConditionShapes = ["all", "any", "not", "count", "metric", "model", "confidence"];

    /// <summary>Every key any condition shape may hold.</summary>
    public static readonly IReadOnlyList<string> Condition = [.. ConditionShapes, "output", "within", "at_least", .. Operators];
}
