using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Mesh.Inference.Anomaly;
using Mesh.Inference.Onnx;
using Mesh.Inference.Tests.Onnx;

namespace Mesh.Inference.Tests.Anomaly;

/// <summary>The model committed under models/anomaly/: its manifest must describe the file that is actually there.</summary>
public sealed class ShippedModelTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot(), "models", "anomaly");

    [Fact]
    public void ShippedManifest_Sha256_EqualsHashOfOnnxFile()
    {
        var manifest = File.ReadAllText(Path.Combine(Folder, "manifest.yaml"));
        var declared = Regex.Match(manifest, "^sha256: ([0-9a-f]{64})$", RegexOptions.Multiline).Groups[1].Value;

        declared.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Folder, "anomaly.onnx")))));
    }

    [Fact]
    public void ShippedModel_OnnxRuntime_ScoresFaultsHighAndNormalLow()
    {
        using var runner = new OrtRunner(File.ReadAllBytes(Path.Combine(Folder, "anomaly.onnx")));
        var samples = SensorDataGenerator.Generate(new SensorDataOptions { Seed = 1234, Devices = 5, Days = 1, FaultRate = 0.1 });

        var (scores, shape) = runner.Run(AnomalyNetwork.InputName, AnomalyFeatures.Rows(samples), [samples.Count, 6], AnomalyNetwork.OutputName);

        shape.ShouldBe([samples.Count, 1L]);
        var report = DetectionReport.Of(samples, scores.Select(s => s >= 0.5f).ToList());
        report.Precision.ShouldBeGreaterThan(0.85);
        report.Recall.ShouldBeGreaterThan(0.8);
    }

    [Fact]
    public void ShippedModel_Reader_MatchesManifestTensors()
    {
        var summary = OnnxModelReader.Read(Path.Combine(Folder, "anomaly.onnx"));
        var manifest = File.ReadAllText(Path.Combine(Folder, "manifest.yaml"));

        summary.Inputs.Single().ToString().ShouldBe("features float32[N, 6]");
        summary.Outputs.Single().ToString().ShouldBe("score float32[N, 1]");
        manifest.ShouldContain("  - { name: features, type: float32, shape: [-1, 6] }\n");
        manifest.ShouldContain("  - { name: score, type: float32, shape: [-1, 1] }\n");
        manifest.ShouldContain($"version: {summary.Metadata["version"]}\n");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"No Mesh.sln above {AppContext.BaseDirectory}.");
    }
}
