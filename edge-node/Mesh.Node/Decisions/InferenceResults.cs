namespace Mesh.Node.Decisions;

/// <summary>One model's result for a reading, as recorded (so replay never needs the model).</summary>
public sealed record ModelResult(string Model, string Version, IReadOnlyDictionary<string, double> Outputs, double Confidence);

/// <summary>The inference results available to a decision. Empty until a skill needs a model.</summary>
public sealed record InferenceResults(IReadOnlyList<ModelResult> Results)
{
    public static readonly InferenceResults None = new([]);

    /// <summary>The named output, or NaN when the model did not run or has no such output.</summary>
    public double Output(string model, string output)
    {
        foreach (var r in Results)
            if (r.Model == model)
                return r.Outputs.TryGetValue(output, out var v) ? v : double.NaN;
        return double.NaN;
    }

    public double Confidence(string model)
    {
        foreach (var r in Results)
            if (r.Model == model)
                return r.Confidence;
        return double.NaN;
    }
}
