namespace Mesh.Inference.Onnx;

/// <summary>What an ONNX file declares about itself, as <see cref="OnnxModelReader"/> finds it.</summary>
public sealed record OnnxModelSummary(
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    long ModelVersion,
    string DocString,
    IReadOnlyDictionary<string, long> Opsets,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<OnnxTensorInfo> Inputs,
    IReadOnlyList<OnnxTensorInfo> Outputs);
