namespace Mesh.Cli.Sim;

/// <summary>
/// One device's deterministic readings: temperature is a slow sine wave (period 40-160 readings, phase
/// from the device key) centred 4 °C below the threshold with amplitude 6 °C plus ±0.3 °C noise, so it
/// crosses the threshold now and then; humidity wanders between 30 and 60 %.
/// </summary>
internal readonly record struct SensorWave(ulong Key, double Centre, double Period, double Phase)
{
    private const double Amplitude = 6.0;

    public static SensorWave For(ulong key, double threshold)
    {
        var period = 40 + StableHash.Unit(key, -1, 11) * 120;
        var phase = StableHash.Unit(key, -2, 12) * 2 * Math.PI;
        return new SensorWave(key, threshold - 4.0, period, phase);
    }

    public double Temperature(long index)
    {
        var noise = (StableHash.Unit(Key, index, 21) - 0.5) * 0.6;
        return Math.Round(Centre + Amplitude * Math.Sin(2 * Math.PI * index / Period + Phase) + noise, 2);
    }

    public double Humidity(long index)
    {
        var noise = (StableHash.Unit(Key, index, 22) - 0.5) * 2.0;
        var wave = 45 + 13 * Math.Sin(2 * Math.PI * index / (Period * 2.7) + Phase / 2);
        return Math.Round(Math.Clamp(wave + noise, 30, 60), 2);
    }
}
