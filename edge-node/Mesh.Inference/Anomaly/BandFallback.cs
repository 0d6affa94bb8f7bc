namespace Mesh.Inference.Anomaly;

/// <summary>
/// The deterministic skill "bands" that decides when no target may run the model (the audit record says
/// "degraded"): a reading is anomalous (score 1) when any metric lies outside its band, else normal (score 0).
/// It sees each metric alone, so it catches faults that leave the normal range and misses those that break a
/// coupling within it (bearing wear, a refrigerant leak, a door left open on a warm afternoon).
/// </summary>
public sealed record BandFallback(SensorBand Temperature, SensorBand Humidity, SensorBand Power, SensorBand Vibration)
{
    public const string Skill = "bands";

    /// <summary>The confidence the node reports for a band decision: lower than the model's, as it deserves.</summary>
    public const double Confidence = 0.6;

    /// <summary>The bands by metric name, in feature order.</summary>
    public IReadOnlyList<KeyValuePair<string, SensorBand>> Bands =>
    [
        new(AnomalyFeatures.Temperature, Temperature),
        new(AnomalyFeatures.Humidity, Humidity),
        new(AnomalyFeatures.Power, Power),
        new(AnomalyFeatures.Vibration, Vibration),
    ];

    /// <summary>
    /// Learns the bands from the normal readings among <paramref name="readings"/>: the
    /// <paramref name="lowerQuantile"/>–<paramref name="upperQuantile"/> range of each metric, widened on each side
    /// by <paramref name="widen"/> of its width and rounded outwards to 0.01 so the manifest stays readable and
    /// the bands the node applies are exactly the ones evaluated here.
    /// </summary>
    public static BandFallback Learn(IEnumerable<SensorSample> readings, double lowerQuantile = 0.001, double upperQuantile = 0.999, double widen = 0.05)
    {
        var normal = readings.Where(r => !r.IsAnomaly).ToList();
        if (normal.Count == 0)
            throw new ArgumentException("Learning bands needs normal readings.", nameof(readings));
        SensorBand Band(Func<SensorSample, double> metric)
        {
            var values = normal.Select(metric).Order().ToArray();
            double low = values[(int)Math.Round(lowerQuantile * (values.Length - 1))];
            double high = values[(int)Math.Round(upperQuantile * (values.Length - 1))];
            double margin = widen * (high - low);
            return new SensorBand(Math.Floor((low - margin) * 100) / 100, Math.Ceiling((high + margin) * 100) / 100);
        }

        return new BandFallback(Band(r => r.Temperature), Band(r => r.Humidity), Band(r => r.Power), Band(r => r.Vibration));
    }

    public bool IsAnomalous(SensorSample reading) =>
        IsAnomalous(reading.Temperature, reading.Humidity, reading.Power, reading.Vibration);

    public bool IsAnomalous(double temperature, double humidity, double power, double vibration) =>
        !Temperature.Contains(temperature) || !Humidity.Contains(humidity) || !Power.Contains(power) || !Vibration.Contains(vibration);

    /// <summary>The score of a row of <see cref="AnomalyFeatures"/>: 1 outside the bands, else 0.</summary>
    public float Score(ReadOnlySpan<float> features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features.Length, 4, nameof(features));
        return IsAnomalous(features[0], features[1], features[2], features[3]) ? 1f : 0f;
    }
}
