namespace Mesh.Protocol.Policy;

/// <summary>
/// A structured condition (no code strings are ever evaluated). Evaluation is three-valued: a comparison
/// whose operand is absent from the reading is unknown, <c>not</c> of unknown is unknown, <c>all</c> is false
/// if any part is false, <c>any</c> is true if any part is true; a rule fires only on true.
/// </summary>
public abstract record PolicyCondition
{
    private protected PolicyCondition()
    {
    }
}

/// <summary>True when every part is.</summary>
public sealed record AllCondition(IReadOnlyList<PolicyCondition> Parts) : PolicyCondition;

/// <summary>True when at least one part is.</summary>
public sealed record AnyCondition(IReadOnlyList<PolicyCondition> Parts) : PolicyCondition;

public sealed record NotCondition(PolicyCondition Part) : PolicyCondition;

/// <summary><c>operand op value</c>, for example <c>temperature &gt; 30</c>.</summary>
public sealed record CompareCondition(Operand Operand, CompareOp Op, double Value) : PolicyCondition;

/// <summary>True when at least <see cref="AtLeast"/> of the device's readings within <see cref="Within"/>
/// (by reading timestamp, this one included) satisfy <see cref="Predicate"/>.</summary>
public sealed record CountCondition(CompareCondition Predicate, TimeSpan Within, int AtLeast) : PolicyCondition;

public enum CompareOp
{
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

/// <summary>What a comparison reads.</summary>
public abstract record Operand
{
    private protected Operand()
    {
    }
}

/// <summary>A metric of the reading, by name.</summary>
public sealed record MetricOperand(string Metric) : Operand;

/// <summary>A named output of a model (skill) run on the reading.</summary>
public sealed record ModelOutputOperand(string Model, string Output) : Operand;

/// <summary>The confidence (0..1) a model reported for its result.</summary>
public sealed record ConfidenceOperand(string Model) : Operand;
