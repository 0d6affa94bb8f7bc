using Mesh.Inference.Anomaly;
using Mesh.Inference.Onnx;
using Mesh.Protocol.Models;
using Mesh.Inference.Registry;
using Mesh.Inference.Runtime;
using Mesh.Inference.Tests.Support;

namespace Mesh.Inference.Tests.Runtime;

/// <summary>Batching across devices changes nothing but the batch: every reading gets the score it gets alone.</summary>
public sealed class MicroBatcherTests : IAsyncLifetime
{
    private LocalModel _model = null!;
    private LocalModel _single = null!;

    public Task InitializeAsync()
    {
        var registered = ModelRegistry.Load(RepoPaths.Models).Find("anomaly").ShouldNotBeNull();
        _model = LocalModel.Open(registered, ["CPU"], 32, TimeSpan.FromMilliseconds(2));
        _single = LocalModel.Open(registered, ["CPU"], 1, TimeSpan.Zero);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ScoreAsync_ManyConcurrentReadings_EachScoreEqualsItsBatchOfOne()
    {
        var rows = SensorDataGenerator.Generate(new SensorDataOptions { Seed = 7, Devices = 4, Days = 1 })
            .Take(600).Select(AnomalyFeatures.Of).ToArray();

        var scored = await Task.WhenAll(rows.Select(r => Task.Run(() => _model.Batcher!.ScoreAsync(r))));

        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].CopyTo(_single.Runner!.Row(0));
            _single.Runner.Run(1);
            scored[i].Score.ShouldBe(_single.Runner.Score(0), 1e-6f, $"row {i}");
        }
        scored.Max(s => s.BatchSize).ShouldBeGreaterThan(1);
        _model.Batcher!.QueueDepth.ShouldBe(0);
        scored.Max(s => s.BatchSize).ShouldBeLessThanOrEqualTo(32);
    }

    [Fact]
    public async Task ScoreAsync_LoneReading_AnsweredAfterTheBoundedWait()
    {
        var row = new float[6];

        var score = await _model.Batcher!.ScoreAsync(row).WaitAsync(TimeSpan.FromSeconds(10));

        score.BatchSize.ShouldBe(1);
        float.IsFinite(score.Score).ShouldBeTrue();
    }

    [Fact]
    public async Task ScoreAsync_BatchRunFails_FirstCarriesTheErrorOthersSayTheyShared()
    {
        // A model whose score has two columns where the runner's buffer holds one: every run fails inside ONNX
        // Runtime, with an ordinary exception.
        var graph = new OnnxGraphBuilder("two-columns")
            .Input("features", OnnxElementType.Float, OnnxDimension.Symbolic("N"), OnnxDimension.Fixed(6))
            .Initializer("w", [6, 2], new float[12])
            .Node("MatMul", ["features", "w"], "score")
            .Output("score", OnnxElementType.Float, OnnxDimension.Symbolic("N"), OnnxDimension.Symbolic("M"))
            .Build();
        var manifest = new ModelManifest("two-columns", "1.0.0", "", "two-columns.onnx", new string('0', 64),
            [new TensorSpec("features", TensorElement.Float32, [-1, 6])], [new TensorSpec("score", TensorElement.Float32, [-1, 2])],
            ["CPU"], new Dictionary<string, ManifestLatency>(),
            [.. Enumerable.Range(0, 6).Select(i => FeatureSpec.OfMetric($"m{i}"))], new ScoreSpec("score", "score"), null, null, "test", "test");
        using var session = ModelSession.Open(manifest, OnnxModelWriter.Write(graph, new OnnxModelOptions()), ["CPU"]);
        using var runner = new ReadingModelRunner(session, 8);
        // A long bounded wait: the four readings, queued together, share one batch even on a slow machine.
        await using var batcher = new MicroBatcher(runner, TimeSpan.FromMilliseconds(500));

        var scores = Enumerable.Range(0, 4).Select(_ => batcher.ScoreAsync(new float[6])).ToArray();
        var errors = new List<Exception>();
        foreach (var t in scores)
            errors.Add(await Should.ThrowAsync<Exception>(t));

        var first = errors.Where(e => e is not SharedBatchFailedException).ShouldHaveSingleItem();
        first.ShouldBeOfType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>();
        errors.OfType<SharedBatchFailedException>().Count().ShouldBe(3);
        errors.OfType<SharedBatchFailedException>().ShouldAllBe(e => e.InnerException == first);
    }

    [Fact]
    public void ScoreAsync_WrongWidth_Refused()
    {
        Should.Throw<ArgumentException>(() => _model.Batcher!.ScoreAsync(new float[5])).Message.ShouldContain("expected 6 features, got 5");
    }

    public async Task DisposeAsync()
    {
        await _model.DisposeAsync();
        await _single.DisposeAsync();
    }
}
