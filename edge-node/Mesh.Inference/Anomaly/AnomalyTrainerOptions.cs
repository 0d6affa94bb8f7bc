namespace Mesh.Inference.Anomaly;

/// <summary>How <see cref="AnomalyTrainer"/> fits the network.</summary>
public sealed record AnomalyTrainerOptions
{
    /// <summary>Seeds the initial weights and the batch order. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Passes over the training readings; the epoch with the best validation F1 is kept. Default 12.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Readings per Adam step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's step size at the first epoch; it decays along a cosine to a tenth by the last. Default 0.003.</summary>
    public float LearningRate { get; init; } = 0.003f;

    /// <summary>
    /// Weight of an anomaly's loss relative to a normal reading's. Anomalies are rare, so unweighted training
    /// would learn to say "normal"; weighting by the full imbalance would buy recall with false alarms, which at a
    /// 3 % fault rate cost precision fast, most of all on devices whose offsets training never saw. 0 (the default)
    /// means the fourth root of normals per anomaly: about 2.4 at a 3 % fault rate.
    /// </summary>
    public double PositiveWeight { get; init; }

    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Epochs < 1)
            throw new ArgumentException($"{nameof(Epochs)} must be at least 1 (was {Epochs}).");
        if (BatchSize < 1)
            throw new ArgumentException($"{nameof(BatchSize)} must be at least 1 (was {BatchSize}).");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
            throw new ArgumentException($"{nameof(LearningRate)} must be positive (was {LearningRate}).");
        if (PositiveWeight < 0 || !double.IsFinite(PositiveWeight))
            throw new ArgumentException($"{nameof(PositiveWeight)} must be 0 (automatic) or positive (was {PositiveWeight}).");
    }
}
