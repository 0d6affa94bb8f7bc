namespace Mesh.Inference.Anomaly;

/// <summary>What <see cref="AnomalyTrainer.Train"/> gives back: the network of the best epoch and how each epoch went.</summary>
public sealed record AnomalyFit(AnomalyNetwork Network, int BestEpoch, double PositiveWeight, IReadOnlyList<EpochResult> Epochs);

/// <summary>One pass over the training readings: mean weighted loss, and F1 on the validation devices.</summary>
public sealed record EpochResult(int Epoch, double Loss, double ValidationF1);
