namespace Mesh.Inference.Anomaly;

/// <summary>
/// One generated reading of a cooled room: temperature (°C), relative humidity (%), power drawn by the cooling
/// unit (kW) and compressor vibration (mm/s RMS), labelled with the fault injected into it, if any.
/// </summary>
public sealed record SensorSample(
    int Device,
    DateTimeOffset Timestamp,
    double Temperature,
    double Humidity,
    double Power,
    double Vibration,
    FaultKind Fault)
{
    public bool IsAnomaly => Fault != FaultKind.None;
}
