using System.Globalization;

namespace Mesh.Protocol.Policy;

/// <summary>One-line, culture-invariant renderings of policy values, for diffs, messages and logs. Equal values
/// render equally, which is what <see cref="PolicyDiff"/> compares.</summary>
public static class PolicyText
{
    /// <summary>For example <c>all(temperature &gt; 30, anomaly.score &gt;= 0.9)</c>,
    /// <c>count(temperature &gt; 30, within 10m) &gt;= 3</c>, <c>confidence(anomaly) &gt;= 0.8</c>.</summary>
    public static string Format(PolicyCondition condition) => condition switch
    {
        AllCondition all => $"all({string.Join(", ", all.Parts.Select(Format))})",
        AnyCondition any => $"any({string.Join(", ", any.Parts.Select(Format))})",
        NotCondition not => $"not({Format(not.Part)})",
        CompareCondition compare => $"{Format(compare.Operand)} {PolicyNames.Symbol(compare.Op)} {Number(compare.Value)}",
        CountCondition count => $"count({Format(count.Predicate)}, within {PolicyDuration.Format(count.Within)}) >= {count.AtLeast}",
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "unknown condition kind"),
    };

    public static string Format(Operand operand) => operand switch
    {
        MetricOperand m => m.Metric,
        ModelOutputOperand o => $"{o.Model}.{o.Output}",
        ConfidenceOperand c => $"confidence({c.Model})",
        _ => throw new ArgumentOutOfRangeException(nameof(operand), operand, "unknown operand kind"),
    };

    /// <summary>For example <c>role operator, timeout 15m, on_timeout deny, offline defer, max_age 15m</c>.</summary>
    public static string Format(ApprovalSpec approval) =>
        $"role {approval.Role}, timeout {PolicyDuration.Format(approval.Timeout)}, on_timeout {PolicyNames.Of(approval.OnTimeout)}, "
        + $"offline {PolicyNames.Of(approval.Offline)}, max_age {PolicyDuration.Format(approval.MaxAge)}";

    /// <summary>For example <c>cooling-on: at most 6 per 1h</c>.</summary>
    public static string Format(RateLimit limit) => $"{limit.Action}: at most {limit.Max} per {PolicyDuration.Format(limit.Per)}";

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Amount(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
