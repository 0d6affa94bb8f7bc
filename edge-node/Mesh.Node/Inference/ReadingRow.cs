using Mesh.Node.Decisions;
using Mesh.Protocol.Models;

namespace Mesh.Node.Inference;

/// <summary>Builds a reading model's input row from a reading, as its manifest's <c>features</c> say.</summary>
public static class ReadingRow
{
    /// <summary>Fills <paramref name="row"/>; false (and the first missing metric) when the reading lacks one.</summary>
    public static bool TryFill(IReadOnlyList<FeatureSpec> features, Observation reading, Span<float> row, out string? missing)
    {
        missing = null;
        // The same hour of day the models were trained with (UTC, whole seconds).
        var hour = Mesh.Inference.Anomaly.AnomalyFeatures.HourOfDay(reading.Timestamp);
        for (var i = 0; i < features.Count; i++)
        {
            var f = features[i];
            if (f.Metric is { } metric)
            {
                if (reading.ValueOf(metric) is not { } v)
                {
                    missing = metric;
                    return false;
                }
                row[i] = (float)v;
            }
            else
            {
                row[i] = f.Time switch
                {
                    TimeFeature.HourSin => (float)Math.Sin(2 * Math.PI * hour / 24),
                    TimeFeature.HourCos => (float)Math.Cos(2 * Math.PI * hour / 24),
                    _ => throw new ArgumentOutOfRangeException(nameof(features), f.Time, "unknown time feature"),
                };
            }
        }
        return true;
    }
}
