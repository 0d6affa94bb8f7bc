using Mesh.Protocol.Models;

namespace Mesh.Protocol.Tests.Models;

internal static class TestManifests
{
    /// <summary>A reading model in the documented format: six feature columns, a score, a bands fallback.</summary>
    public const string Reading = """
        name: anomaly
        version: 1.0.0
        description: Multi-sensor anomaly detector for cooled rooms
        file: anomaly.onnx
        sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        source: "trained by mesh model train --seed 42 on generated data"
        license: Apache-2.0
        inputs:
          - { name: features, type: float32, shape: [-1, 6] }
        outputs:
          - { name: score, type: float32, shape: [-1, 1] }
        preferred_providers: [TensorRT, CUDA, OpenVINO, DirectML, CPU]
        latency_priors:
          CPU: { p50_ms: 0.05, p99_ms: 0.5, source: "estimate: tiny MLP" }
        features:
          - metric: temperature
          - metric: humidity
          - metric: power
          - metric: vibration
          - time: hour_sin
          - time: hour_cos
        score: { output: score, name: score }
        fallback:
          skill: bands
          confidence: 0.6
          bands: { temperature: [10.5, 33.0], humidity: [20, 80] }
        """;

    public static ModelManifest Load(string yaml)
    {
        var result = ManifestLoader.Parse(yaml, "manifest.yaml");
        result.Errors.ShouldBeEmpty();
        return result.Manifest.ShouldNotBeNull();
    }

    public static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
                return Path.Combine([dir.FullName, .. parts]);
        }
        throw new InvalidOperationException($"no Mesh.sln above {AppContext.BaseDirectory}");
    }
}
