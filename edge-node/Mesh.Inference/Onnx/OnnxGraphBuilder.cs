using System.Buffers.Binary;
using Google.Protobuf;
using Mesh.Inference.Onnx.Proto;

namespace Mesh.Inference.Onnx;

/// <summary>
/// Builds an ONNX graph step by step: inputs, float initializers (weights), nodes in order, outputs.
/// It checks as it goes that every name a node reads is already defined, because ONNX requires nodes in
/// topological order and ONNX Runtime's error for a forward reference names neither node nor builder.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name, string docString = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _graph = new GraphProto { Name = name, DocString = docString };
    }

    /// <summary>Declares a graph input; <paramref name="shape"/> may mix fixed and symbolic dimensions.</summary>
    public OnnxGraphBuilder Input(string name, OnnxElementType type, params IReadOnlyList<OnnxDimension> shape)
    {
        Define(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
        return this;
    }

    /// <summary>Declares a graph output; the name must be an input, an initializer or a node's output.</summary>
    public OnnxGraphBuilder Output(string name, OnnxElementType type, params IReadOnlyList<OnnxDimension> shape)
    {
        if (!_defined.Contains(name))
            throw new InvalidOperationException($"Graph output '{name}' is not produced by any node, input or initializer.");
        _graph.Output.Add(ValueInfo(name, type, shape));
        return this;
    }

    /// <summary>Adds a constant float32 tensor, stored as little-endian <c>raw_data</c> in row-major order.</summary>
    public OnnxGraphBuilder Initializer(string name, IReadOnlyList<long> dims, ReadOnlySpan<float> values)
    {
        long count = dims.Aggregate(1L, (product, dim) => product * dim);
        if (count != values.Length)
            throw new ArgumentException($"Initializer '{name}' has {values.Length} values for shape [{string.Join(", ", dims)}].", nameof(values));
        Define(name);
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        var tensor = new TensorProto { Name = name, DataType = (int)OnnxElementType.Float, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(dims);
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Adds a node of the default ONNX domain with one output.</summary>
    public OnnxGraphBuilder Node(string opType, IReadOnlyList<string> inputs, string output, params IReadOnlyList<AttributeProto> attributes) =>
        Node(opType, inputs, [output], attributes);

    /// <summary>Adds a node of the default ONNX domain. Optional inputs left out in the middle are passed as "".</summary>
    public OnnxGraphBuilder Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params IReadOnlyList<AttributeProto> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        foreach (var input in inputs)
        {
            if (input.Length > 0 && !_defined.Contains(input))
                throw new InvalidOperationException($"Node {opType} reads '{input}' before anything defines it.");
        }

        foreach (var output in outputs)
            Define(output);
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_graph.Node.Count}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>The graph built so far; a copy, so the builder can go on or be reused.</summary>
    public GraphProto Build()
    {
        if (_graph.Output.Count == 0)
            throw new InvalidOperationException($"Graph '{_graph.Name}' has no outputs.");
        return _graph.Clone();
    }

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_defined.Add(name))
            throw new InvalidOperationException($"The name '{name}' is already defined in graph '{_graph.Name}'.");
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, IReadOnlyList<OnnxDimension> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            var dimension = new TensorShapeProto.Types.Dimension();
            if (dim.Value is { } value)
                dimension.DimValue = value;
            else if (dim.Param is { } param)
                dimension.DimParam = param;
            tensorShape.Dim.Add(dimension);
        }

        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
