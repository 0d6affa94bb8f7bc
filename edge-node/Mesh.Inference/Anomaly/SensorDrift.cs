namespace Mesh.Inference.Anomaly;

/// <summary>
/// A sensor's slow calibration drift: a random walk reflected at ±<see cref="Bound"/>. Steps scale with the square
/// root of the reading interval, so a day of drift looks the same whatever the interval.
/// </summary>
internal sealed class SensorDrift(double bound, double stepPerHour, double initial)
{
    public double Bound { get; } = bound;

    public double Value { get; private set; } = initial;

    public double Step(SeededRandom random, TimeSpan interval)
    {
        double next = Value + random.Gaussian(stepPerHour * Math.Sqrt(interval.TotalHours));
        if (next > Bound)
            next = 2 * Bound - next;
        else if (next < -Bound)
            next = -2 * Bound - next;
        Value = Math.Clamp(next, -Bound, Bound);
        return Value;
    }
}
