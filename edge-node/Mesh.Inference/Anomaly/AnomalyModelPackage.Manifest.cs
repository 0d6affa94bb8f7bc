using System.Globalization;
using System.Text;
using Mesh.Inference.Onnx;

namespace Mesh.Inference.Anomaly;

public static partial class AnomalyModelPackage
{
    public const string Description = "Multi-sensor anomaly detector for cooled rooms (temperature, humidity, power, vibration)";
    public const string License = "Apache-2.0 (this project)";

    /// <summary>Most capable first; the registry picks the first one the node has.</summary>
    public static IReadOnlyList<string> PreferredProviders { get; } = ["TensorRT", "CUDA", "OpenVINO", "DirectML", "CPU"];

    /// <summary>
    /// The manifest text. Inputs and outputs are read back from the ONNX bytes rather than restated, so the
    /// manifest cannot claim a tensor the file does not have.
    /// </summary>
    internal static string Manifest(AnomalyTrainingResult result, string version, string sha256, OnnxModelSummary onnx)
    {
        var options = result.Options;
        var source = $"trained by mesh model train (seed {Number(options.Seed)}, {Number(result.Readings)} readings from "
            + $"{Number(options.Devices)} simulated devices); held-out precision {Figure(result.Model.Precision)}, recall {Figure(result.Model.Recall)}";
        var text = new StringBuilder()
            .Append("name: anomaly\n")
            .Append($"version: {version}\n")
            .Append($"description: {Description}\n")
            .Append($"file: {ModelFile}\n")
            .Append($"sha256: {sha256}\n")
            .Append($"source: \"{source}\"\n")
            .Append($"license: \"{License}\"\n")
            .Append("inputs:\n");
        foreach (var input in onnx.Inputs)
            text.Append(Tensor(input));
        text.Append("outputs:\n");
        foreach (var output in onnx.Outputs)
            text.Append(Tensor(output));
        text.Append($"preferred_providers: [{string.Join(", ", PreferredProviders)}]\n")
            .Append("features:\n");
        foreach (var metric in AnomalyFeatures.Metrics)
            text.Append($"  - metric: {metric}\n");
        foreach (var time in AnomalyFeatures.TimeFeatures)
            text.Append($"  - time: {time}\n");
        text.Append($"score: {{ output: {AnomalyNetwork.OutputName}, name: score }}\n")
            .Append("fallback:\n")
            .Append($"  skill: {BandFallback.Skill}\n")
            .Append($"  confidence: {Number(BandFallback.Confidence)}\n")
            .Append("  bands:\n");
        foreach (var (metric, band) in result.Fallback.Bands)
            text.Append($"    {metric}: [{Number(band.Low)}, {Number(band.High)}]\n");
        return text.ToString();
    }

    private static string Tensor(OnnxTensorInfo tensor) =>
        $"  - {{ name: {tensor.Name}, type: {tensor.ElementType.ToManifestName()}, shape: [{string.Join(", ", tensor.Shape.Select(d => Number(d.ManifestValue)))}] }}\n";

    /// <summary>Shortest round-trip form, invariant culture.</summary>
    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Figure(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
