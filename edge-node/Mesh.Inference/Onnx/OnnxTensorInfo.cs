namespace Mesh.Inference.Onnx;

/// <summary>A named graph input or output with its element type and shape.</summary>
public sealed record OnnxTensorInfo(string Name, OnnxElementType ElementType, IReadOnlyList<OnnxDimension> Shape)
{
    public bool Equals(OnnxTensorInfo? other) =>
        other is not null && Name == other.Name && ElementType == other.ElementType && Shape.SequenceEqual(other.Shape);

    public override int GetHashCode() => HashCode.Combine(Name, ElementType, Shape.Count);

    public override string ToString() => $"{Name} {ElementType.ToManifestName()}[{string.Join(", ", Shape)}]";
}
