namespace Mesh.Inference.Onnx;

/// <summary>
/// Element types of ONNX tensors. The values are the ONNX <c>TensorProto.DataType</c> codes, so a value casts
/// straight to and from the wire field.
/// </summary>
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
}

public static class OnnxElementTypeExtensions
{
    /// <summary>The name a model manifest uses for the type (<c>float32</c>, <c>int64</c>, …).</summary>
    public static string ToManifestName(this OnnxElementType type) => type switch
    {
        OnnxElementType.Float => "float32",
        OnnxElementType.Double => "float64",
        OnnxElementType.Float16 => "float16",
        OnnxElementType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };
}
