using Microsoft.ML.OnnxRuntime;

namespace Mesh.Inference.Tests.Onnx;

/// <summary>Runs a model file in ONNX Runtime (CPU), one batch at a time.</summary>
internal sealed class OrtRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();

    public OrtRunner(byte[] model)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(model, options);
    }

    /// <summary>Feeds <paramref name="values"/> shaped <paramref name="shape"/> to the one input and returns the one output.</summary>
    public (float[] Values, long[] Shape) Run(string input, float[] values, long[] shape, string output)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var results = _session.Run(_run, [input], [tensor], [output]);
        var result = results[0];
        return (result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }
}
