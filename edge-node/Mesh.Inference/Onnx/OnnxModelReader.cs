using Google.Protobuf;
using Mesh.Inference.Onnx.Proto;

namespace Mesh.Inference.Onnx;

/// <summary>
/// Reads what a model file declares (versions, metadata, inputs and outputs) without loading it into a
/// runtime: enough to check a file against its manifest before any session is created.
/// </summary>
public static class OnnxModelReader
{
    /// <exception cref="InvalidDataException">The bytes are not a model file, or it has no graph.</exception>
    public static OnnxModelSummary Read(ReadOnlySpan<byte> model)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Not an ONNX model: {e.Message}", e);
        }

        if (proto.Graph is null)
            throw new InvalidDataException("The ONNX model has no graph.");

        // Before IR version 4 initializers were also listed as inputs; they are weights, not inputs to feed.
        var weights = proto.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return new OnnxModelSummary(
            proto.IrVersion,
            proto.ProducerName,
            proto.ProducerVersion,
            proto.ModelVersion,
            proto.DocString,
            proto.OpsetImport.GroupBy(o => o.Domain).ToDictionary(g => g.Key, g => g.Last().Version),
            proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            proto.Graph.Input.Where(i => !weights.Contains(i.Name)).Select(ToInfo).ToList(),
            proto.Graph.Output.Select(ToInfo).ToList());
    }

    public static OnnxModelSummary Read(string path) => Read(File.ReadAllBytes(path));

    private static OnnxTensorInfo ToInfo(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        if (tensor is null)
            return new OnnxTensorInfo(value.Name, OnnxElementType.Undefined, []);
        var shape = tensor.Shape?.Dim.Select(ToDimension).ToList() ?? [];
        return new OnnxTensorInfo(value.Name, (OnnxElementType)tensor.ElemType, shape);
    }

    private static OnnxDimension ToDimension(TensorShapeProto.Types.Dimension dim) => dim.ValueCase switch
    {
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => OnnxDimension.Fixed(dim.DimValue),
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => OnnxDimension.Symbolic(dim.DimParam),
        _ => new OnnxDimension(null, null),
    };
}
