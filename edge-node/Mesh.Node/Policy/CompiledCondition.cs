using System.Globalization;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>A policy condition compiled against one device's metric slots and windows.</summary>
internal abstract class CompiledCondition
{
    public abstract Tri Eval(in EvalContext ctx);

    /// <summary>Adds a readable account of the parts that made this condition true.</summary>
    public abstract void Explain(in EvalContext ctx, List<string> into);
}

internal sealed class AllOf(CompiledCondition[] parts) : CompiledCondition
{
    public override Tri Eval(in EvalContext ctx)
    {
        var result = Tri.True;
        foreach (var p in parts)
        {
            var v = p.Eval(ctx);
            if (v == Tri.False)
                return Tri.False;
            if (v == Tri.Unknown)
                result = Tri.Unknown;
        }
        return result;
    }

    public override void Explain(in EvalContext ctx, List<string> into)
    {
        foreach (var p in parts)
            p.Explain(ctx, into);
    }
}

internal sealed class AnyOf(CompiledCondition[] parts) : CompiledCondition
{
    public override Tri Eval(in EvalContext ctx)
    {
        var result = Tri.False;
        foreach (var p in parts)
        {
            var v = p.Eval(ctx);
            if (v == Tri.True)
                return Tri.True;
            if (v == Tri.Unknown)
                result = Tri.Unknown;
        }
        return result;
    }

    public override void Explain(in EvalContext ctx, List<string> into)
    {
        foreach (var p in parts)
        {
            if (p.Eval(ctx) == Tri.True)
            {
                p.Explain(ctx, into);
                return;
            }
        }
    }
}

internal sealed class NotOf(CompiledCondition part) : CompiledCondition
{
    public override Tri Eval(in EvalContext ctx) => part.Eval(ctx) switch
    {
        Tri.True => Tri.False,
        Tri.False => Tri.True,
        _ => Tri.Unknown,
    };

    public override void Explain(in EvalContext ctx, List<string> into)
    {
        var inner = new List<string>();
        part.Explain(ctx, inner);
        into.Add("not (" + string.Join("; ", inner) + ")");
    }
}

/// <summary><c>operand op value</c>; the operand is a metric slot or a model output.</summary>
internal sealed class Comparison(int slot, Operand operand, CompareOp op, double value) : CompiledCondition
{
    private readonly bool _metric = operand is MetricOperand;

    public double Read(in EvalContext ctx)
    {
        if (_metric)
            return ctx.Values[slot];
        return operand switch
        {
            ModelOutputOperand m => ctx.Inference.Output(m.Model, m.Output),
            ConfidenceOperand c => ctx.Inference.Confidence(c.Model),
            _ => double.NaN,
        };
    }

    public override Tri Eval(in EvalContext ctx)
    {
        var v = Read(ctx);
        if (double.IsNaN(v))
            return Tri.Unknown;
        var holds = op switch
        {
            CompareOp.Gt => v > value,
            CompareOp.Ge => v >= value,
            CompareOp.Lt => v < value,
            CompareOp.Le => v <= value,
            CompareOp.Eq => v == value,
            _ => v != value,
        };
        return holds ? Tri.True : Tri.False;
    }

    public override void Explain(in EvalContext ctx, List<string> into) =>
        into.Add(string.Create(CultureInfo.InvariantCulture, $"{Describe()} (was {Read(ctx):R})"));

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{PolicyText.Format(operand)} {PolicyNames.Symbol(op)} {value:R}");
}

/// <summary>True when the device's window <c>index</c> holds at least <c>atLeast</c> matching readings.</summary>
internal sealed class CountOf(int index, Comparison predicate, TimeSpan within, int atLeast) : CompiledCondition
{
    public override Tri Eval(in EvalContext ctx) => ctx.Counts[index] >= atLeast ? Tri.True : Tri.False;

    public override void Explain(in EvalContext ctx, List<string> into) =>
        into.Add(string.Create(CultureInfo.InvariantCulture,
            $"count({predicate.Describe()} within {within}) = {ctx.Counts[index]} >= {atLeast}"));
}
