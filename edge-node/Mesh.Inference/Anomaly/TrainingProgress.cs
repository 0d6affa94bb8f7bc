namespace Mesh.Inference.Anomaly;

public enum TrainingStage { Generating, Training, Evaluating, Writing }

/// <summary>
/// Where a training run is. During <see cref="TrainingStage.Training"/>, one report per epoch with its mean
/// weighted loss and the validation F1 at threshold 0.5; otherwise epoch, loss and F1 are 0.
/// </summary>
public sealed record TrainingProgress(TrainingStage Stage, int Epoch, int Epochs, double Loss, double ValidationF1);
