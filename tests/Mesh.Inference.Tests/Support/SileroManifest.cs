using Mesh.Protocol.Models;

namespace Mesh.Inference.Tests.Support;

internal static class SileroManifest
{
    public static ModelManifest Load(string folder) => new(
        "silero-vad", "5.0.0", "Silero VAD v5", "silero_vad_v5.onnx",
        "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f",
        [new("input", TensorElement.Float32, [-1, -1]), new("state", TensorElement.Float32, [2, -1, 128]), new("sr", TensorElement.Int64, [])],
        [new("output", TensorElement.Float32, [-1, 1]), new("stateN", TensorElement.Float32, [-1, -1, -1])],
        ["CPU"], new Dictionary<string, ManifestLatency>(), [], null, null,
        new FetchSpec("@ricky0123/vad-web@0.0.31", "dist/silero_vad_v5.onnx"), "npm", "MIT")
    { Path = Path.Combine(folder, "manifest.yaml") };
}
