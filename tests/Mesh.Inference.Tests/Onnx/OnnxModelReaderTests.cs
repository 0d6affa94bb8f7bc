using Google.Protobuf;
using Mesh.Inference.Onnx;
using Mesh.Inference.Onnx.Proto;

namespace Mesh.Inference.Tests.Onnx;

public sealed class OnnxModelReaderTests
{
    [Fact]
    public void Read_WrittenModel_ListsInputsAndOutputsWithTypesAndShapes()
    {
        var graph = new OnnxGraphBuilder("two")
            .Input("x", OnnxElementType.Float, OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(4))
            .Input("k", OnnxElementType.Int64, OnnxDimension.Fixed(1))
            .Node("Relu", ["x"], "y")
            .Node("Identity", ["k"], "k_out")
            .Output("y", OnnxElementType.Float, OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(4))
            .Output("k_out", OnnxElementType.Int64, OnnxDimension.Fixed(1))
            .Build();

        var summary = OnnxModelReader.Read(OnnxModelWriter.Write(graph, new OnnxModelOptions { Metadata = [new("version", "2.0.0")] }));

        summary.Inputs.ShouldBe([
            new OnnxTensorInfo("x", OnnxElementType.Float, [OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(4)]),
            new OnnxTensorInfo("k", OnnxElementType.Int64, [OnnxDimension.Fixed(1)]),
        ]);
        summary.Outputs.ShouldBe([
            new OnnxTensorInfo("y", OnnxElementType.Float, [OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(4)]),
            new OnnxTensorInfo("k_out", OnnxElementType.Int64, [OnnxDimension.Fixed(1)]),
        ]);
        summary.IrVersion.ShouldBe(8);
        summary.Opsets[""].ShouldBe(17);
        summary.Metadata["version"].ShouldBe("2.0.0");
        summary.Inputs[0].ToString().ShouldBe("x float32[N, 4]");
    }

    [Fact]
    public void Read_InitializerAlsoListedAsInput_IsNotReportedAsInput()
    {
        var graph = OnnxModelWriterTests.TinyGraph();
        graph.Input.Add(new ValueInfoProto { Name = "bias" });

        var summary = OnnxModelReader.Read(OnnxModelWriter.Write(graph, new OnnxModelOptions()));

        summary.Inputs.Select(i => i.Name).ShouldBe(["x"]);
    }

    [Fact]
    public void Read_NotAModel_ThrowsInvalidData()
    {
        Should.Throw<InvalidDataException>(() => OnnxModelReader.Read(new byte[] { 0xFF, 0xFF, 0xFF }));
    }

    [Fact]
    public void Read_ModelWithoutGraph_ThrowsInvalidData()
    {
        var bytes = new ModelProto { IrVersion = 8 }.ToByteArray();

        Should.Throw<InvalidDataException>(() => OnnxModelReader.Read(bytes)).Message.ShouldContain("no graph");
    }
}
