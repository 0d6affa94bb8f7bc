namespace Mesh.Node.Decisions;

/// <summary>One model's result for a reading, as the policy reads it.</summary>
public sealed record ModelResult(string Model, string Version, IReadOnlyDictionary<string, double> Outputs, double Confidence);

/// <summary>The inference results available to a decision, and the recorded runs they come from (which the
/// decision's event carries into the audit records). Empty when the device's rules read no model.</summary>
public sealed record InferenceResults(IReadOnlyList<ModelResult> Results)
{
    public static readonly InferenceResults None = new([]);

    /// <summary>The runs these results come from, in the order the models ran.</summary>
    public IReadOnlyList<ModelRun> Runs { get; init; } = [];

    public static InferenceResults From(IReadOnlyList<ModelRun>? runs)
    {
        if (runs is null || runs.Count == 0)
            return None;
        var results = new List<ModelResult>(runs.Count);
        foreach (var r in runs)
            results.Add(r.Score is { } s
                ? new ModelResult(r.Model, r.Version, new Dictionary<string, double>(1, StringComparer.Ordinal) { [r.Output] = s }, r.Confidence)
                : new ModelResult(r.Model, r.Version, new Dictionary<string, double>(0, StringComparer.Ordinal), double.NaN));
        return new InferenceResults(results) { Runs = runs };
    }

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
