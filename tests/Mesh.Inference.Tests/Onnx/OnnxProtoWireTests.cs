using Google.Protobuf;
using Mesh.Inference.Onnx.Proto;

namespace Mesh.Inference.Tests.Onnx;

/// <summary>
/// The field numbers in onnx.proto are the ONNX wire format: each test pins one number through the tag byte it
/// produces ((field &lt;&lt; 3) | wire type), so a wrong number fails here rather than as an unloadable model.
/// </summary>
public sealed class OnnxProtoWireTests
{
    [Fact]
    public void ModelProto_ScalarFields_UseSpecificationNumbers()
    {
        Tag(new ModelProto { IrVersion = 8 }).ShouldBe(Key(1, 0));
        Tag(new ModelProto { ProducerName = "m" }).ShouldBe(Key(2, 2));
        Tag(new ModelProto { ProducerVersion = "1" }).ShouldBe(Key(3, 2));
        Tag(new ModelProto { Domain = "d" }).ShouldBe(Key(4, 2));
        Tag(new ModelProto { ModelVersion = 1 }).ShouldBe(Key(5, 0));
        Tag(new ModelProto { DocString = "d" }).ShouldBe(Key(6, 2));
        Tag(new ModelProto { Graph = new GraphProto() }).ShouldBe(Key(7, 2));
    }

    [Fact]
    public void ModelProto_RepeatedFields_UseSpecificationNumbers()
    {
        var opset = new ModelProto();
        opset.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        Tag(opset).ShouldBe(Key(8, 2));
        var metadata = new ModelProto();
        metadata.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });
        Tag(metadata).ShouldBe(Key(14, 2));
        new OperatorSetIdProto { Domain = "x", Version = 17 }.ToByteArray().ShouldBe(new byte[] { Key(1, 2), 1, (byte)'x', Key(2, 0), 17 });
        new StringStringEntryProto { Key = "k", Value = "v" }.ToByteArray().ShouldBe(new byte[] { Key(1, 2), 1, (byte)'k', Key(2, 2), 1, (byte)'v' });
    }

    [Fact]
    public void GraphProto_Fields_UseSpecificationNumbers()
    {
        Tag(Graph(g => g.Node.Add(new NodeProto()))).ShouldBe(Key(1, 2));
        Tag(new GraphProto { Name = "g" }).ShouldBe(Key(2, 2));
        Tag(Graph(g => g.Initializer.Add(new TensorProto()))).ShouldBe(Key(5, 2));
        Tag(new GraphProto { DocString = "d" }).ShouldBe(Key(10, 2));
        Tag(Graph(g => g.Input.Add(new ValueInfoProto()))).ShouldBe(Key(11, 2));
        Tag(Graph(g => g.Output.Add(new ValueInfoProto()))).ShouldBe(Key(12, 2));
        Tag(Graph(g => g.ValueInfo.Add(new ValueInfoProto()))).ShouldBe(Key(13, 2));
    }

    [Fact]
    public void NodeProto_Fields_UseSpecificationNumbers()
    {
        var node = new NodeProto { Name = "n", OpType = "Add", DocString = "d", Domain = "x" };
        node.Input.Add("a");
        node.Output.Add("b");
        node.Attribute.Add(new AttributeProto { Name = "k" });
        Tags(node).ShouldBe([Key(1, 2), Key(2, 2), Key(3, 2), Key(4, 2), Key(5, 2), Key(6, 2), Key(7, 2)]);
    }

    [Fact]
    public void AttributeProto_Fields_UseSpecificationNumbers()
    {
        Tag(new AttributeProto { Name = "a" }).ShouldBe(Key(1, 2));
        Tag(new AttributeProto { F = 1 }).ShouldBe(Key(2, 5));
        Tag(new AttributeProto { I = 1 }).ShouldBe(Key(3, 0));
        Tag(new AttributeProto { S = ByteString.CopyFromUtf8("s") }).ShouldBe(Key(4, 2));
        Tag(new AttributeProto { T = new TensorProto() }).ShouldBe(Key(5, 2));
        Tag(Attribute(a => a.Floats.Add(1f))).ShouldBe(Key(7, 2));
        Tag(Attribute(a => a.Ints.Add(1))).ShouldBe(Key(8, 2));
        // Field 20 needs a two-byte tag: 20 << 3 = 160 = 0xA0 0x01 as a varint.
        new AttributeProto { Type = AttributeProto.Types.AttributeType.Ints }.ToByteArray().ShouldBe(new byte[] { 0xA0, 0x01, 7 });
        ((int)AttributeProto.Types.AttributeType.Float).ShouldBe(1);
        ((int)AttributeProto.Types.AttributeType.Int).ShouldBe(2);
        ((int)AttributeProto.Types.AttributeType.Tensor).ShouldBe(4);
        ((int)AttributeProto.Types.AttributeType.Floats).ShouldBe(6);
    }

    [Fact]
    public void TensorProto_Fields_UseSpecificationNumbers()
    {
        Tag(Tensor(t => t.Dims.Add(2))).ShouldBe(Key(1, 2));
        Tag(new TensorProto { DataType = 1 }).ShouldBe(Key(2, 0));
        Tag(Tensor(t => t.FloatData.Add(1f))).ShouldBe(Key(4, 2));
        Tag(Tensor(t => t.Int64Data.Add(1))).ShouldBe(Key(7, 2));
        Tag(new TensorProto { Name = "t" }).ShouldBe(Key(8, 2));
        Tag(new TensorProto { RawData = ByteString.CopyFrom(1) }).ShouldBe(Key(9, 2));
        Tag(new TensorProto { DocString = "d" }).ShouldBe(Key(12, 2));
        ((int)TensorProto.Types.DataType.Float).ShouldBe(1);
        ((int)TensorProto.Types.DataType.Int32).ShouldBe(6);
        ((int)TensorProto.Types.DataType.Int64).ShouldBe(7);
        ((int)TensorProto.Types.DataType.Bool).ShouldBe(9);
        ((int)TensorProto.Types.DataType.Double).ShouldBe(11);
    }

    [Fact]
    public void ValueInfoAndTypes_Fields_UseSpecificationNumbers()
    {
        Tags(new ValueInfoProto { Name = "x", Type = new TypeProto(), DocString = "d" }).ShouldBe([Key(1, 2), Key(2, 2), Key(3, 2)]);
        Tag(new TypeProto { TensorType = new TypeProto.Types.Tensor() }).ShouldBe(Key(1, 2));
        Tags(new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto() }).ShouldBe([Key(1, 0), Key(2, 2)]);
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension());
        Tag(shape).ShouldBe(Key(1, 2));
        Tag(new TensorShapeProto.Types.Dimension { DimValue = 6 }).ShouldBe(Key(1, 0));
        Tag(new TensorShapeProto.Types.Dimension { DimParam = "N" }).ShouldBe(Key(2, 2));
    }

    private static byte Key(int field, int wireType) => (byte)((field << 3) | wireType);

    private static byte Tag(IMessage message) => message.ToByteArray()[0];

    /// <summary>The first byte of each top-level field, for messages whose fields are all short.</summary>
    private static List<byte> Tags(IMessage message)
    {
        var tags = new List<byte>();
        var input = new CodedInputStream(message.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            tags.Add((byte)tag);
            input.SkipLastField();
        }

        return tags;
    }

    private static GraphProto Graph(Action<GraphProto> fill)
    {
        var graph = new GraphProto();
        fill(graph);
        return graph;
    }

    private static AttributeProto Attribute(Action<AttributeProto> fill)
    {
        var attribute = new AttributeProto();
        fill(attribute);
        return attribute;
    }

    private static TensorProto Tensor(Action<TensorProto> fill)
    {
        var tensor = new TensorProto();
        fill(tensor);
        return tensor;
    }
}
