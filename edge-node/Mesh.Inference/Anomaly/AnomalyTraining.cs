using System.Diagnostics;

namespace Mesh.Inference.Anomaly;

/// <summary>
/// The whole of <c>mesh model train</c>: generate readings, split them by device, learn the band fallback from the
/// training devices' normal readings, fit the network, judge both on the held-out devices, and (when an output
/// folder is set) write the model package.
/// </summary>
public static class AnomalyTraining
{
    public static AnomalyTrainingResult Run(AnomalyTrainingOptions options, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        progress?.Report(new TrainingProgress(TrainingStage.Generating, 0, options.Epochs, 0, 0));
        var samples = SensorDataGenerator.Generate(options.ToDataOptions());
        var split = DeviceSplit.Of(options.Devices, options.Seed);
        var training = DeviceSplit.Select(samples, split.Training);
        var validation = DeviceSplit.Select(samples, split.Validation);
        var heldOut = DeviceSplit.Select(samples, split.HeldOut);

        var fallback = BandFallback.Learn(training);
        var fit = AnomalyTrainer.Train(training, validation, options.ToTrainerOptions(), progress);

        progress?.Report(new TrainingProgress(TrainingStage.Evaluating, options.Epochs, options.Epochs, 0, 0));
        var model = AnomalyTrainer.Evaluate(fit.Network, heldOut);
        var bands = DetectionReport.Of(heldOut, heldOut.Select(fallback.IsAnomalous).ToList());
        var result = new AnomalyTrainingResult(
            options, fit.Network, fallback, split, samples.Count, training.Count, validation.Count, fit, model, bands, TimeSpan.Zero);

        if (options.OutputFolder is { } folder)
        {
            progress?.Report(new TrainingProgress(TrainingStage.Writing, options.Epochs, options.Epochs, 0, 0));
            AnomalyModelPackage.Write(folder, result, options.Version);
        }

        return result with { Elapsed = clock.Elapsed };
    }
}
