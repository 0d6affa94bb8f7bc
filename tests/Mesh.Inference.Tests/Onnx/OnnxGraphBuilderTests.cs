using Mesh.Inference.Onnx;

namespace Mesh.Inference.Tests.Onnx;

public sealed class OnnxGraphBuilderTests
{
    [Fact]
    public void BuiltGraph_OnnxRuntime_RunsWithRawDataInitializersAndAttributes()
    {
        // y = Transpose(LeakyRelu(x + bias, alpha 0.1), perm [1, 0]): raw_data, a float and an ints attribute.
        var graph = new OnnxGraphBuilder("check")
            .Input("x", OnnxElementType.Float, OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(3))
            .Initializer("bias", [3], [1f, -2f, 0.5f])
            .Node("Add", ["x", "bias"], "sum")
            .Node("LeakyRelu", ["sum"], "leaky", OnnxAttributes.Float("alpha", 0.1f))
            .Node("Transpose", ["leaky"], "y", OnnxAttributes.Ints("perm", 1, 0))
            .Output("y", OnnxElementType.Float, OnnxDimension.Fixed(3), OnnxDimension.Symbolic("N"))
            .Build();
        using var runner = new OrtRunner(OnnxModelWriter.Write(graph, new OnnxModelOptions()));

        var (values, shape) = runner.Run("x", [1f, 1f, 1f, -4f, 0f, 2f], [2, 3], "y");

        shape.ShouldBe([3L, 2L]);
        float[] expected = [2f, -0.3f, -0.1f, -0.2f, 1.5f, 2.5f];
        for (int i = 0; i < expected.Length; i++)
            values[i].ShouldBe(expected[i], 1e-6f);
    }

    [Fact]
    public void Node_ReadsUndefinedName_Throws()
    {
        var builder = new OnnxGraphBuilder("g").Input("x", OnnxElementType.Float, OnnxDimension.Fixed(1));

        Should.Throw<InvalidOperationException>(() => builder.Node("Add", ["x", "later"], "y")).Message.ShouldContain("later");
    }

    [Fact]
    public void Output_NotProduced_Throws()
    {
        var builder = new OnnxGraphBuilder("g").Input("x", OnnxElementType.Float, OnnxDimension.Fixed(1));

        Should.Throw<InvalidOperationException>(() => builder.Output("y", OnnxElementType.Float, OnnxDimension.Fixed(1)));
    }

    [Fact]
    public void Initializer_ValueCountDiffersFromShape_Throws()
    {
        var builder = new OnnxGraphBuilder("g");

        Should.Throw<ArgumentException>(() => builder.Initializer("w", [2, 2], [1f, 2f, 3f]));
    }

    [Fact]
    public void Define_SameNameTwice_Throws()
    {
        var builder = new OnnxGraphBuilder("g").Input("x", OnnxElementType.Float, OnnxDimension.Fixed(1));

        Should.Throw<InvalidOperationException>(() => builder.Initializer("x", [1], [1f]));
    }

    [Fact]
    public void Build_NoOutputs_Throws()
    {
        var builder = new OnnxGraphBuilder("g").Input("x", OnnxElementType.Float, OnnxDimension.Fixed(1));

        Should.Throw<InvalidOperationException>(() => builder.Build());
    }
}
