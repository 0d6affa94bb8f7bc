using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

internal sealed partial class PolicyBuilder
{
    private static readonly IReadOnlyList<string> MetricKeys = ["metric", .. PolicyKeys.Operators];
    private static readonly IReadOnlyList<string> ModelKeys = ["model", "output", .. PolicyKeys.Operators];
    private static readonly IReadOnlyList<string> ConfidenceKeys = ["confidence", .. PolicyKeys.Operators];
    private static readonly IReadOnlyList<string> CountKeys = ["count", "within", "at_least"];

    private PolicyCondition? Condition(YNode node, RuleReferences references)
    {
        if (Mapping(node, "a condition (a mapping such as { metric: temperature, gt: 30 })") is not { } map)
            return null;
        var unknown = CheckKeys(map, "condition", PolicyKeys.Condition);
        YScalar? shape = null;
        foreach (var (key, _) in map.Entries)
        {
            if (!PolicyKeys.ConditionShapes.Contains(key.Value))
                continue;
            if (shape is not null)
            {
                Diagnostics.Add(key, $"a condition has exactly one shape, but '{key.Value}' is combined with '{shape.Value}'");
                return null;
            }
            shape = key;
        }
        if (shape is null)
        {
            if (unknown == 0)
                Diagnostics.Add(map, $"a condition needs one of: {string.Join(", ", PolicyKeys.ConditionShapes)}");
            return null;
        }
        return shape.Value switch
        {
            "all" or "any" => Junction(map, shape.Value, references),
            "not" => OnlyKeys(map, "a 'not' condition", ["not"]) && Condition(map.Get("not")!, references) is { } part
                ? new NotCondition(part)
                : null,
            "count" => Count(map, references),
            "metric" => Comparison(map, "a metric comparison", MetricKeys, references),
            "model" => Comparison(map, "a model comparison", ModelKeys, references),
            _ => Comparison(map, "a confidence comparison", ConfidenceKeys, references),
        };
    }

    private PolicyCondition? Junction(YMapping map, string shape, RuleReferences references)
    {
        if (!OnlyKeys(map, $"an '{shape}' condition", [shape]))
            return null;
        if (Sequence(map.Get(shape)!, $"a list of conditions under '{shape}'") is not { } seq)
            return null;
        if (seq.Items.Count == 0)
        {
            Diagnostics.Add(seq, $"'{shape}' needs at least one condition");
            return null;
        }
        var parts = new List<PolicyCondition>();
        foreach (var item in seq.Items)
            if (Condition(item, references) is { } part)
                parts.Add(part);
        if (parts.Count != seq.Items.Count)
            return null;
        return shape == "all" ? new AllCondition(parts) : new AnyCondition(parts);
    }

    private CountCondition? Count(YMapping map, RuleReferences references)
    {
        if (!OnlyKeys(map, "a 'count' condition", CountKeys))
            return null;
        var inner = map.Get("count")!;
        var predicate = Condition(inner, references);
        if (predicate is not (null or CompareCondition))
            Diagnostics.Add(inner, "'count' counts readings that satisfy a comparison (metric, model or confidence), not a combined condition");
        const string owner = "a 'count' condition";
        var within = Required(map, "within", owner) is { } w ? Duration(w) : null;
        var atLeast = Required(map, "at_least", owner) is { } a ? Integer(a, 1, int.MaxValue) : null;
        if (predicate is not CompareCondition compare || within is null || atLeast is null)
            return null;
        return new CountCondition(compare, within.Value, (int)atLeast.Value);
    }

    private CompareCondition? Comparison(YMapping map, string what, IReadOnlyList<string> keys, RuleReferences references)
    {
        if (!OnlyKeys(map, what, keys))
            return null;
        var operand = Operand(map, what, references);
        YScalar? op = null;
        foreach (var (key, _) in map.Entries)
        {
            if (!PolicyKeys.Operators.Contains(key.Value))
                continue;
            if (op is not null)
            {
                Diagnostics.Add(key, $"a comparison takes exactly one operator, but '{key.Value}' follows '{op.Value}'");
                return null;
            }
            op = key;
        }
        if (op is null)
        {
            Diagnostics.Add(map, $"{what} needs exactly one operator: {string.Join(", ", PolicyKeys.Operators)}");
            return null;
        }
        var value = Number(map.Get(op.Value)!);
        if (operand is null || value is null)
            return null;
        var compareOp = (CompareOp)PolicyKeys.Operators.ToList().IndexOf(op.Value);
        return new CompareCondition(operand, compareOp, value.Value);
    }

    private Operand? Operand(YMapping map, string what, RuleReferences references)
    {
        if (map.Get("metric") is { } metric)
            return Name(metric, "metric name", PolicyNames.IsValidName, NameRule) is { } m ? new MetricOperand(m) : null;
        var key = map.Get("model") is not null ? "model" : "confidence";
        var modelNode = map.Get(key)!;
        var model = Name(modelNode, "model name", PolicyNames.IsValidName, NameRule);
        if (model is not null)
            references.Models.Add((model, modelNode));
        if (key == "confidence")
            return model is null ? null : new ConfidenceOperand(model);
        var output = Required(map, "output", what) is { } o ? Name(o, "model output name", PolicyNames.IsValidName, NameRule) : null;
        return model is null || output is null ? null : new ModelOutputOperand(model, output);
    }

    /// <summary>Reports condition keys that belong to another shape; true when there are none.</summary>
    private bool OnlyKeys(YMapping map, string what, IReadOnlyList<string> allowed)
    {
        var ok = true;
        foreach (var (key, _) in map.Entries)
        {
            if (allowed.Contains(key.Value) || !PolicyKeys.Condition.Contains(key.Value))
                continue;
            Diagnostics.Add(key, $"'{key.Value}' does not belong in {what}, which takes only: {string.Join(", ", allowed)}");
            ok = false;
        }
        return ok;
    }
}
