using System.Globalization;
using Google.Protobuf;
using Mesh.Inference.Onnx.Proto;

namespace Mesh.Inference.Onnx;

/// <summary>Wraps a graph into an ONNX model file.</summary>
public static class OnnxModelWriter
{
    /// <summary>
    /// The model file's bytes. Serialisation is deterministic: fields go out in field-number order and the only
    /// key/value data (metadata) is a list, so the same graph and options always give the same bytes.
    /// </summary>
    public static byte[] Write(GraphProto graph, OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        var model = new ModelProto
        {
            IrVersion = options.IrVersion,
            ProducerName = options.ProducerName,
            ProducerVersion = options.ProducerVersion,
            ModelVersion = options.ModelVersion,
            DocString = options.DocString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in options.Metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    /// <summary>
    /// Packs a "major.minor.patch" version into ONNX's integer <c>model_version</c> as
    /// major × 1,000,000 + minor × 1,000 + patch, so later versions compare greater. Anything else gives 1;
    /// the exact string still travels in the metadata.
    /// </summary>
    public static long ModelVersionOf(string version)
    {
        var core = version.Split('-', '+')[0].Split('.');
        if (core.Length != 3)
            return 1;
        long packed = 0;
        foreach (var part in core)
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 999)
                return 1;
            packed = packed * 1000 + number;
        }

        return Math.Max(packed, 1);
    }
}
