namespace Mesh.Cli.Sim;

/// <summary>What simulated devices measure.</summary>
public enum SensorKind
{
    /// <summary>Temperature and humidity; the temperature crosses the rule's threshold now and then.</summary>
    Thermal,

    /// <summary>A cold room's temperature, humidity, compressor power and vibration, with injected faults (the anomaly model's data).</summary>
    ColdRoom,
}
