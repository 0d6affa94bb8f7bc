using System.Security.Cryptography;
using System.Text;
using Mesh.Inference.Onnx;

namespace Mesh.Inference.Anomaly;

/// <summary>
/// Writes a model folder: <c>anomaly.onnx</c>, its <c>manifest.yaml</c> (the node's registry reads it strictly, so
/// the key order and shape are fixed) and <c>evaluation.md</c> (the held-out figures). Every byte follows from the
/// training result, so the same options write the same files.
/// </summary>
public static partial class AnomalyModelPackage
{
    public const string ModelFile = "anomaly.onnx";
    public const string ManifestFile = "manifest.yaml";
    public const string EvaluationFile = "evaluation.md";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static AnomalyModelFiles Write(string folder, AnomalyTrainingResult result, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(result);
        var onnx = result.Network.ToOnnx(version);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(onnx));
        Directory.CreateDirectory(folder);
        var files = new AnomalyModelFiles(
            Path.Combine(folder, ModelFile), Path.Combine(folder, ManifestFile), Path.Combine(folder, EvaluationFile), sha256);
        File.WriteAllBytes(files.Model, onnx);
        File.WriteAllText(files.Manifest, Manifest(result, version, sha256, OnnxModelReader.Read(onnx)), Utf8);
        File.WriteAllText(files.Evaluation, Evaluation(result, version), Utf8);
        return files;
    }
}

/// <summary>The paths written by <see cref="AnomalyModelPackage.Write"/> and the model file's SHA-256 (lower-case hex).</summary>
public sealed record AnomalyModelFiles(string Model, string Manifest, string Evaluation, string Sha256);
