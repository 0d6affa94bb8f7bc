using Mesh.Inference.Anomaly;

namespace Mesh.Inference.Tests.Anomaly;

/// <summary>One small training run (about a second) shared by the tests that need a trained model.</summary>
public sealed class TrainedModelFixture
{
    /// <summary>40 devices × 2 days, 8 epochs: small enough for CI, large enough for stable held-out figures.</summary>
    public static AnomalyTrainingOptions SmallOptions { get; } = new() { Seed = 42, Devices = 40, Days = 2, Epochs = 8 };

    public AnomalyTrainingResult Result { get; } = AnomalyTraining.Run(SmallOptions);

    public IReadOnlyList<SensorSample> Samples { get; } = SensorDataGenerator.Generate(SmallOptions.ToDataOptions());

    public IReadOnlyList<SensorSample> HeldOut => DeviceSplit.Select(Samples, Result.Split.HeldOut);
}

[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "trained anomaly model";
}
