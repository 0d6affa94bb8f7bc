namespace Mesh.Inference.Anomaly;

/// <summary>
/// A finished training run: the model, the band fallback learnt alongside it, and how both did on the held-out
/// devices. <see cref="Elapsed"/> is the only field that differs between two runs with the same options, and it
/// is written to no file.
/// </summary>
public sealed record AnomalyTrainingResult(
    AnomalyTrainingOptions Options,
    AnomalyNetwork Network,
    BandFallback Fallback,
    DeviceSplit Split,
    int Readings,
    int TrainingReadings,
    int ValidationReadings,
    AnomalyFit Fit,
    DetectionReport Model,
    DetectionReport Bands,
    TimeSpan Elapsed);
