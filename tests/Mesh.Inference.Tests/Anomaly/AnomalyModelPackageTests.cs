using System.Globalization;
using System.Security.Cryptography;
using Mesh.Inference.Anomaly;
using Mesh.Inference.Onnx;

namespace Mesh.Inference.Tests.Anomaly;

[Collection(TrainedModelCollection.Name)]
public sealed class AnomalyModelPackageTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mesh-anomaly-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Write_Result_ManifestHasExactShape()
    {
        var files = AnomalyModelPackage.Write(_folder, fixture.Result, "1.0.0");

        var lines = File.ReadAllText(files.Manifest).Split('\n');
        string[] expected =
        [
            "name: anomaly",
            "version: 1.0.0",
            "description: Multi-sensor anomaly detector for cooled rooms \\(temperature, humidity, power, vibration\\)",
            "file: anomaly.onnx",
            "sha256: [0-9a-f]{64}",
            "source: \"trained by mesh model train \\(seed 42, 23040 readings from 40 simulated devices\\); held-out precision [01]\\.\\d\\d, recall [01]\\.\\d\\d\"",
            "license: \"Apache-2.0 \\(this project\\)\"",
            "inputs:",
            "  - \\{ name: features, type: float32, shape: \\[-1, 6\\] \\}",
            "outputs:",
            "  - \\{ name: score, type: float32, shape: \\[-1, 1\\] \\}",
            "preferred_providers: \\[TensorRT, CUDA, OpenVINO, DirectML, CPU\\]",
            "features:",
            "  - metric: temperature",
            "  - metric: humidity",
            "  - metric: power",
            "  - metric: vibration",
            "  - time: hour_sin",
            "  - time: hour_cos",
            "score: \\{ output: score, name: score \\}",
            "fallback:",
            "  skill: bands",
            "  confidence: 0\\.6",
            "  bands:",
            $"    temperature: \\[{Number}, {Number}\\]",
            $"    humidity: \\[{Number}, {Number}\\]",
            $"    power: \\[{Number}, {Number}\\]",
            $"    vibration: \\[{Number}, {Number}\\]",
            "",
        ];
        lines.Length.ShouldBe(expected.Length);
        for (int i = 0; i < expected.Length; i++)
            lines[i].ShouldMatch("^" + expected[i] + "$");
    }

    [Fact]
    public void Write_Result_ManifestShaAndBandsMatchTheFiles()
    {
        var files = AnomalyModelPackage.Write(_folder, fixture.Result, "1.0.0");

        var manifest = File.ReadAllText(files.Manifest);
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(files.Model)));
        files.Sha256.ShouldBe(sha);
        manifest.ShouldContain($"sha256: {sha}\n");
        var band = fixture.Result.Fallback.Temperature;
        manifest.ShouldContain(FormattableString.Invariant($"    temperature: [{band.Low:R}, {band.High:R}]\n"));
        OnnxModelReader.Read(files.Model).Metadata["version"].ShouldBe("1.0.0");
    }

    [Fact]
    public void Write_Result_EvaluationHasModelAndBandFigures()
    {
        var files = AnomalyModelPackage.Write(_folder, fixture.Result, "1.0.0");

        var evaluation = File.ReadAllText(files.Evaluation);
        evaluation.ShouldContain("| model (anomaly.onnx) | " + fixture.Result.Model.Precision.ToString("F3", CultureInfo.InvariantCulture));
        evaluation.ShouldContain("| band fallback (degraded) | " + fixture.Result.Bands.Precision.ToString("F3", CultureInfo.InvariantCulture));
        foreach (var kind in Enum.GetValues<FaultKind>().Where(k => k != FaultKind.None))
            evaluation.ShouldContain($"| {kind} |");
    }

    [Fact]
    public void Run_SameOptionsTwice_ByteIdenticalFiles()
    {
        var options = TrainedModelFixture.SmallOptions with { Devices = 12, Days = 1, Epochs = 2 };

        AnomalyTraining.Run(options with { OutputFolder = Path.Combine(_folder, "a") });
        AnomalyTraining.Run(options with { OutputFolder = Path.Combine(_folder, "b") });

        foreach (var file in new[] { AnomalyModelPackage.ModelFile, AnomalyModelPackage.ManifestFile, AnomalyModelPackage.EvaluationFile })
        {
            var first = File.ReadAllBytes(Path.Combine(_folder, "a", file));
            first.Length.ShouldBeGreaterThan(0);
            File.ReadAllBytes(Path.Combine(_folder, "b", file)).ShouldBe(first, file);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private static string Number => "-?\\d+(\\.\\d+)?";
}
