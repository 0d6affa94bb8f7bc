using System.Globalization;
using Mesh.Inference.Anomaly;
using Spectre.Console;

namespace Mesh.Cli.Model;

/// <summary><c>mesh model train</c>: fits the anomaly detector with a progress bar and prints its held-out figures.</summary>
internal static class ModelTrainConsole
{
    public static Task<int> RunAsync(int seed, string output, string version, CancellationToken ct)
    {
        var options = new AnomalyTrainingOptions { Seed = seed, OutputFolder = output, Version = version };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"mesh model train: {ex.Message}");
            return Task.FromResult(ExitCodes.Usage);
        }
        AnomalyTrainingResult? result = null;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("generating data", maxValue: options.Epochs + 3);
            result = AnomalyTraining.Run(options, new Progress<TrainingProgress>(p =>
            {
                task.Description = p.Stage == TrainingStage.Training
                    ? $"epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:0.0000}, validation F1 {p.ValidationF1:0.000}"
                    : p.Stage.ToString().ToLowerInvariant();
                task.Value = p.Stage switch
                {
                    TrainingStage.Generating => 0,
                    TrainingStage.Training => 1 + p.Epoch,
                    TrainingStage.Evaluating => options.Epochs + 2,
                    _ => options.Epochs + 3,
                };
            }));
        });
        var r = result!;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"trained in {r.Elapsed.TotalSeconds:0.0} s on {r.TrainingReadings} readings ({r.Readings} generated from {options.Devices} devices over {options.Days} days)"));
        Console.WriteLine(string.Create(c, $"held-out model : precision {r.Model.Precision:0.000}, recall {r.Model.Recall:0.000}, F1 {r.Model.F1:0.000} ({r.Model.Readings} readings, {r.Model.Anomalies} anomalies)"));
        Console.WriteLine(string.Create(c, $"held-out bands : precision {r.Bands.Precision:0.000}, recall {r.Bands.Recall:0.000}, F1 {r.Bands.F1:0.000} (the deterministic fallback)"));
        Console.WriteLine($"wrote {Path.Combine(output, "anomaly.onnx")}, manifest.yaml and evaluation.md");
        return Task.FromResult(ExitCodes.Ok);
    }
}
