namespace Mesh.Inference.Anomaly;

/// <summary>
/// What makes one simulated cooled room differ from the next: where its thermostat and sensors sit, how big its
/// cooling unit is, how its compressor is mounted, and how exposed it is to the daily swing outside.
/// The fleet is one standard room design, so the spread is calibration and placement, not different products.
/// </summary>
internal sealed record DeviceProfile(
    double Setpoint,
    double HumidityBase,
    double PowerBase,
    double VibrationOffset,
    double AmbientSwing)
{
    public static DeviceProfile Draw(SeededRandom random) => new(
        Setpoint: 4.0 + random.Uniform(-0.6, 0.6),
        HumidityBase: 72.0 + random.Uniform(-2.5, 2.5),
        PowerBase: 2.0 + random.Uniform(-0.1, 0.1),
        VibrationOffset: random.Uniform(-0.2, 0.2),
        AmbientSwing: random.Uniform(4.0, 7.0));
}
