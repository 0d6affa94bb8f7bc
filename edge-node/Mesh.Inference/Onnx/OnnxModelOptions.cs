namespace Mesh.Inference.Onnx;

/// <summary>What <see cref="OnnxModelWriter"/> records about a model besides its graph.</summary>
public sealed record OnnxModelOptions
{
    /// <summary>IR version 8 (ONNX 1.10 and later): every ONNX Runtime from 1.10 on loads it. Default 8.</summary>
    public long IrVersion { get; init; } = 8;

    /// <summary>Version of the default operator set the nodes mean. Default 17.</summary>
    public long Opset { get; init; } = 17;

    /// <summary>Default "mesh".</summary>
    public string ProducerName { get; init; } = "mesh";

    /// <summary>
    /// The writer's own version, not the build's: a value that changed with every commit would make retraining
    /// with the same seed give different bytes (and a different SHA-256 in the manifest). Default "1.0".
    /// </summary>
    public string ProducerVersion { get; init; } = "1.0";

    /// <summary>The model's version as the single integer ONNX allows; see <see cref="OnnxModelWriter.ModelVersionOf"/>.</summary>
    public long ModelVersion { get; init; } = 1;

    public string DocString { get; init; } = "";

    /// <summary>Written as <c>metadata_props</c> in this order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];
}
