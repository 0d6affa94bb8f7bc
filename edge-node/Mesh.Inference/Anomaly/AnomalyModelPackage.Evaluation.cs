using System.Globalization;
using System.Text;

namespace Mesh.Inference.Anomaly;

public static partial class AnomalyModelPackage
{
    /// <summary>The figures as Markdown: configuration, split, model against bands, recall per fault kind, bands.</summary>
    internal static string Evaluation(AnomalyTrainingResult result, string version)
    {
        var options = result.Options;
        var split = result.Split;
        var model = result.Model;
        var bands = result.Bands;
        var text = new StringBuilder();
        Line(text, $"# Anomaly model {version}: evaluation");
        Line(text);
        Line(text, $"Written by `mesh model train` (seed {options.Seed}). Do not edit: retrain instead (docs/MODELS.md).");
        Line(text);
        Line(text, $"- Data: {options.Devices} simulated cooled rooms, {options.Days} days each, a reading every "
            + $"{options.Interval.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min: {result.Readings} readings, "
            + $"fault rate {Percent(options.FaultRate)}.");
        Line(text, $"- Split by device: {split.Training.Count} training ({result.TrainingReadings} readings), "
            + $"{split.Validation.Count} validation ({result.ValidationReadings}), {split.HeldOut.Count} held out "
            + $"({model.Readings}; never seen in training): devices {string.Join(", ", split.HeldOut)}.");
        Line(text, $"- Training: {options.Epochs} epochs of mini-batch Adam, anomaly weight {Fixed(result.Fit.PositiveWeight, 2)}; "
            + $"kept epoch {result.Fit.BestEpoch} (best validation F1, {Fixed(result.Fit.Epochs[result.Fit.BestEpoch - 1].ValidationF1, 3)}).");
        Line(text);
        Line(text, $"## Held-out devices, threshold {Fixed(AnomalyTrainer.Threshold, 1)}");
        Line(text);
        Line(text, "| Detector | Precision | Recall | F1 | True pos. | False pos. | False neg. | True neg. |");
        Line(text, "|---|---:|---:|---:|---:|---:|---:|---:|");
        Row(text, "model (anomaly.onnx)", model);
        Row(text, "band fallback (degraded)", bands);
        Line(text);
        Line(text, $"Held-out anomalies: {model.Anomalies} of {model.Readings} readings.");
        Line(text);
        Line(text, "## Recall per fault kind");
        Line(text);
        Line(text, "| Fault kind | Readings | Model | Bands |");
        Line(text, "|---|---:|---:|---:|");
        foreach (var (byModel, byBands) in model.ByKind.Zip(bands.ByKind))
            Line(text, $"| {byModel.Kind} | {byModel.Count} | {Fixed(byModel.Recall, 3)} | {Fixed(byBands.Recall, 3)} |");
        Line(text);
        Line(text, "## Bands (fallback skill)");
        Line(text);
        Line(text, "| Metric | Low | High |");
        Line(text, "|---|---:|---:|");
        foreach (var (metric, band) in result.Fallback.Bands)
            Line(text, $"| {metric} | {Number(band.Low)} | {Number(band.High)} |");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, DetectionReport report) =>
        Line(text, $"| {name} | {Fixed(report.Precision, 3)} | {Fixed(report.Recall, 3)} | {Fixed(report.F1, 3)} | "
            + $"{report.TruePositives} | {report.FalsePositives} | {report.FalseNegatives} | {report.TrueNegatives} |");

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');

    private static string Fixed(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
