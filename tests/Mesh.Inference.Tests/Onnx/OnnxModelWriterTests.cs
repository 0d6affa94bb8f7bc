using Mesh.Inference.Onnx;
using Mesh.Inference.Onnx.Proto;

namespace Mesh.Inference.Tests.Onnx;

public sealed class OnnxModelWriterTests
{
    [Fact]
    public void Write_Options_RecordsVersionsProducerAndMetadataInOrder()
    {
        var bytes = OnnxModelWriter.Write(TinyGraph(), new OnnxModelOptions
        {
            ModelVersion = 1_002_003,
            DocString = "tiny",
            Metadata = [new("version", "1.2.3"), new("a", "b")],
        });

        var model = ModelProto.Parser.ParseFrom(bytes);
        model.IrVersion.ShouldBe(8);
        model.OpsetImport.Single().Domain.ShouldBe("");
        model.OpsetImport.Single().Version.ShouldBe(17);
        model.ProducerName.ShouldBe("mesh");
        model.ModelVersion.ShouldBe(1_002_003);
        model.DocString.ShouldBe("tiny");
        model.MetadataProps.Select(p => (p.Key, p.Value)).ShouldBe([("version", "1.2.3"), ("a", "b")]);
        model.Graph.Name.ShouldBe("tiny");
    }

    [Fact]
    public void Write_SameGraphTwice_SameBytes()
    {
        var options = new OnnxModelOptions { Metadata = [new("version", "1.0.0")] };

        OnnxModelWriter.Write(TinyGraph(), options).ShouldBe(OnnxModelWriter.Write(TinyGraph(), options));
    }

    [Theory]
    [InlineData("1.0.0", 1_000_000)]
    [InlineData("2.3.4", 2_003_004)]
    [InlineData("1.2.3-beta", 1_002_003)]
    [InlineData("1.0", 1)]
    [InlineData("1.1000.0", 1)]
    [InlineData("latest", 1)]
    public void ModelVersionOf_Version_PacksMajorMinorPatch(string version, long expected) =>
        OnnxModelWriter.ModelVersionOf(version).ShouldBe(expected);

    internal static GraphProto TinyGraph() =>
        new OnnxGraphBuilder("tiny")
            .Input("x", OnnxElementType.Float, OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(3))
            .Initializer("bias", [3], [1f, 2f, 3f])
            .Node("Add", ["x", "bias"], "y")
            .Output("y", OnnxElementType.Float, OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(3))
            .Build();
}
