using Mesh.Inference.Anomaly;
using Mesh.Inference.Onnx;
using Mesh.Inference.Onnx.Proto;
using Mesh.Inference.Tests.Onnx;

namespace Mesh.Inference.Tests.Anomaly;

[Collection(TrainedModelCollection.Name)]
public sealed class AnomalyNetworkOnnxTests(TrainedModelFixture fixture)
{
    private const int Rows = 1_024;

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void OnnxRuntime_GeneratedRows_MatchesReferenceWithin1e5(int batch)
    {
        var network = fixture.Result.Network;
        var samples = SensorDataGenerator.Generate(new SensorDataOptions { Seed = 99, Devices = 4, Days = 1, FaultRate = 0.2 }).Take(Rows).ToList();
        var rows = AnomalyFeatures.Rows(samples);
        var expected = new float[Rows];
        network.Score(rows, expected);
        using var runner = new OrtRunner(network.ToOnnx("1.0.0"));

        var actual = new float[Rows];
        for (int start = 0; start < Rows; start += batch)
        {
            var (scores, shape) = runner.Run(AnomalyNetwork.InputName, rows[(start * 6)..((start + batch) * 6)], [batch, 6], AnomalyNetwork.OutputName);
            shape.ShouldBe([batch, 1L]);
            scores.CopyTo(actual, start);
        }

        for (int i = 0; i < Rows; i++)
            actual[i].ShouldBe(expected[i], 1e-5f, $"row {i}");
        // Both sides of the threshold are exercised, so agreement is not two constant outputs.
        expected.Count(s => s >= 0.5f).ShouldBeInRange(Rows / 20, Rows / 2);
    }

    [Fact]
    public void ToOnnx_Reader_ListsFeaturesAndScore()
    {
        var summary = OnnxModelReader.Read(fixture.Result.Network.ToOnnx("1.2.3"));

        summary.Inputs.ShouldBe([new OnnxTensorInfo("features", OnnxElementType.Float, [OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(6)])]);
        summary.Outputs.ShouldBe([new OnnxTensorInfo("score", OnnxElementType.Float, [OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(1)])]);
        summary.Metadata["version"].ShouldBe("1.2.3");
        summary.ModelVersion.ShouldBe(1_002_003);
        summary.ProducerName.ShouldBe("mesh");
    }

    [Fact]
    public void ToOnnx_Graph_UsesOnlyPortableOperatorsAtOpset17()
    {
        var model = ModelProto.Parser.ParseFrom(fixture.Result.Network.ToOnnx("1.0.0"));

        model.IrVersion.ShouldBe(8);
        model.OpsetImport.Single().Version.ShouldBe(17);
        model.Graph.Node.Select(n => n.OpType).ShouldBe(
            ["Sub", "Div", "MatMul", "Add", "Relu", "MatMul", "Add", "Relu", "MatMul", "Add", "Sigmoid"]);
        model.Graph.Initializer.ShouldAllBe(t => t.DataType == (int)OnnxElementType.Float && t.RawData.Length == 4 * t.Dims.Aggregate(1L, (a, d) => a * d));
    }

    [Fact]
    public void Score_Batch_EqualsRowByRow()
    {
        var network = fixture.Result.Network;
        var rows = AnomalyFeatures.Rows(fixture.HeldOut.Take(50).ToList());
        var batch = new float[50];

        network.Score(rows, batch);

        for (int i = 0; i < 50; i++)
            batch[i].ShouldBe(network.Score(rows.AsSpan(i * 6, 6)));
    }

    [Fact]
    public void Constructor_WrongWeightCount_Throws()
    {
        var n = fixture.Result.Network;

        Should.Throw<ArgumentException>(() => new AnomalyNetwork(n.Mean, n.Std, n.W1[..10], n.B1, n.W2, n.B2, n.W3, n.B3));
    }

    [Fact]
    public void Constructor_ZeroStd_Throws()
    {
        var n = fixture.Result.Network;

        Should.Throw<ArgumentException>(() => new AnomalyNetwork(n.Mean, new float[6], n.W1, n.B1, n.W2, n.B2, n.W3, n.B3));
    }
}
