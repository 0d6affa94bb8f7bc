namespace Mesh.Inference.Anomaly;

/// <summary>
/// The anomaly model's input row for one reading: <c>[temperature, humidity, power, vibration, hour_sin, hour_cos]</c>.
/// The node builds the same row from the manifest's <c>features</c> list, so the order and the time encoding here
/// are a contract with every shipped model, not a detail.
/// </summary>
public static class AnomalyFeatures
{
    public const string Temperature = "temperature";
    public const string Humidity = "humidity";
    public const string Power = "power";
    public const string Vibration = "vibration";
    public const string HourSin = "hour_sin";
    public const string HourCos = "hour_cos";

    /// <summary>Length of a row.</summary>
    public const int Count = 6;

    /// <summary>The metric columns, in row order.</summary>
    public static IReadOnlyList<string> Metrics { get; } = [Temperature, Humidity, Power, Vibration];

    /// <summary>The time columns, in row order, after the metrics.</summary>
    public static IReadOnlyList<string> TimeFeatures { get; } = [HourSin, HourCos];

    /// <summary>
    /// UTC hour of day as a fraction: hours + minutes / 60 + seconds / 3600 (sub-second parts ignored).
    /// UTC, not local time, so a node in any time zone builds the same row for the same instant.
    /// </summary>
    public static double HourOfDay(DateTimeOffset timestamp)
    {
        var utc = timestamp.UtcDateTime;
        return utc.Hour + utc.Minute / 60.0 + utc.Second / 3600.0;
    }

    /// <summary>Writes the row; sin and cos place the hour on the unit circle so 23:59 and 00:00 are neighbours.</summary>
    public static void Write(double temperature, double humidity, double power, double vibration, DateTimeOffset timestamp, Span<float> row)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(row.Length, Count, nameof(row));
        double angle = 2 * Math.PI * HourOfDay(timestamp) / 24;
        row[0] = (float)temperature;
        row[1] = (float)humidity;
        row[2] = (float)power;
        row[3] = (float)vibration;
        row[4] = (float)Math.Sin(angle);
        row[5] = (float)Math.Cos(angle);
    }

    public static void Write(SensorSample sample, Span<float> row) =>
        Write(sample.Temperature, sample.Humidity, sample.Power, sample.Vibration, sample.Timestamp, row);

    public static float[] Of(SensorSample sample)
    {
        var row = new float[Count];
        Write(sample, row);
        return row;
    }

    /// <summary>All rows of <paramref name="samples"/>, row-major (the batch layout of the ONNX input).</summary>
    public static float[] Rows(IReadOnlyList<SensorSample> samples)
    {
        var rows = new float[samples.Count * Count];
        for (int i = 0; i < samples.Count; i++)
            Write(samples[i], rows.AsSpan(i * Count, Count));
        return rows;
    }
}
