using Mesh.Inference.Anomaly;

namespace Mesh.Inference.Tests.Anomaly;

[Collection(TrainedModelCollection.Name)]
public sealed class AnomalyTrainingTests(TrainedModelFixture fixture)
{
    [Fact]
    public void Run_SmallConfig_HeldOutPrecisionAndRecallReachTargets()
    {
        var model = fixture.Result.Model;

        model.Anomalies.ShouldBeGreaterThan(50);
        model.Precision.ShouldBeGreaterThanOrEqualTo(0.85);
        model.Recall.ShouldBeGreaterThanOrEqualTo(0.75);
    }

    [Fact]
    public void Run_SmallConfig_ModelBeatsBandFallbackOnF1()
    {
        fixture.Result.Model.F1.ShouldBeGreaterThan(fixture.Result.Bands.F1);
    }

    [Fact]
    public void Run_ByKind_CountsAddUpToAnomalies()
    {
        var model = fixture.Result.Model;

        model.ByKind.Sum(k => k.Count).ShouldBe(model.Anomalies);
        model.ByKind.Sum(k => k.Detected).ShouldBe(model.TruePositives);
        model.ByKind.Count.ShouldBe(6);
    }

    [Fact]
    public void Split_Devices_DisjointAndComplete()
    {
        var split = fixture.Result.Split;

        split.Training.Intersect(split.HeldOut).ShouldBeEmpty();
        split.Validation.Intersect(split.HeldOut).ShouldBeEmpty();
        split.Training.Intersect(split.Validation).ShouldBeEmpty();
        split.Training.Concat(split.Validation).Concat(split.HeldOut).Order().ShouldBe(Enumerable.Range(0, 40));
        split.HeldOut.Count.ShouldBe(8);
        (fixture.Result.TrainingReadings + fixture.Result.ValidationReadings + fixture.Result.Model.Readings)
            .ShouldBe(fixture.Result.Readings);
    }

    [Fact]
    public void Run_SameSeed_IdenticalOnnxBytes()
    {
        var again = AnomalyTraining.Run(TrainedModelFixture.SmallOptions);

        again.Network.ToOnnx("1.0.0").ShouldBe(fixture.Result.Network.ToOnnx("1.0.0"));
        again.Fallback.ShouldBe(fixture.Result.Fallback);
    }

    [Fact]
    public void Run_DifferentSeed_DifferentWeights()
    {
        var other = AnomalyTraining.Run(TrainedModelFixture.SmallOptions with { Seed = 43, Epochs = 1 });

        other.Network.ToOnnx("1.0.0").ShouldNotBe(fixture.Result.Network.ToOnnx("1.0.0"));
    }

    [Fact]
    public void Run_Progress_ReportsEveryEpoch()
    {
        var reports = new List<TrainingProgress>();

        AnomalyTraining.Run(TrainedModelFixture.SmallOptions with { Epochs = 2, Devices = 10, Days = 1 }, new SyncProgress(reports.Add));

        reports.Where(r => r.Stage == TrainingStage.Training).Select(r => r.Epoch).ShouldBe([1, 2]);
        reports.First().Stage.ShouldBe(TrainingStage.Generating);
        reports.Last().Stage.ShouldBe(TrainingStage.Evaluating);
    }

    [Fact]
    public void Run_TooFewDevices_NamesTheOption()
    {
        Should.Throw<ArgumentException>(() => AnomalyTraining.Run(new AnomalyTrainingOptions { Devices = 2 }))
            .Message.ShouldContain("Devices");
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
