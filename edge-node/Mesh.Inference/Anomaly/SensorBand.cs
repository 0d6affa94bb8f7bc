namespace Mesh.Inference.Anomaly;

/// <summary>The normal range of one metric, bounds included.</summary>
public readonly record struct SensorBand(double Low, double High)
{
    public bool Contains(double value) => value >= Low && value <= High;
}
