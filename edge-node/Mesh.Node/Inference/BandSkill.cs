using Mesh.Protocol.Models;

namespace Mesh.Node.Inference;

/// <summary>
/// The deterministic skill that stands in for a reading model when no target may run it: the reading is anomalous
/// (score 1) when one of its metrics lies outside the band the manifest gives, else normal (score 0), at the
/// manifest's stated confidence. Pure and cheap; the record says "degraded".
/// </summary>
public static class BandSkill
{
    public static double Score(DeterministicFallback fallback, IReadOnlyList<FeatureSpec> features, ReadOnlySpan<float> row, out string? outside)
    {
        outside = null;
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i].Metric is not { } metric || !fallback.Bands.TryGetValue(metric, out var band))
                continue;
            var v = row[i];
            if (v < band.Low || v > band.High)
            {
                outside = $"{metric} {v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} outside [{band.Low.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {band.High.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";
                return 1;
            }
        }
        return 0;
    }
}
