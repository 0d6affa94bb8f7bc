using System.Globalization;

namespace Mesh.Inference.Onnx;

/// <summary>
/// One dimension of a tensor shape: a fixed size, or a symbol (such as <c>N</c> for the batch) that ONNX Runtime
/// binds from the tensor it is given. Exactly one of <see cref="Value"/> and <see cref="Param"/> is set, except
/// for a dimension the file leaves unknown, where neither is.
/// </summary>
public readonly record struct OnnxDimension(long? Value, string? Param)
{
    public static OnnxDimension Fixed(long value) => new(value, null);

    public static OnnxDimension Symbolic(string param) => new(null, param);

    /// <summary>True when the size is decided at run time.</summary>
    public bool IsDynamic => Value is null;

    /// <summary>The size as a manifest writes it: the fixed size, or -1 for any dynamic dimension.</summary>
    public long ManifestValue => Value ?? -1;

    public override string ToString() => Value?.ToString(CultureInfo.InvariantCulture) ?? Param ?? "?";
}
