namespace Mesh.Inference.Anomaly;

/// <summary>
/// Simulated readings of a fleet of cooled rooms (cold stores kept near 4 °C), with labelled faults, to train and
/// evaluate the anomaly model. Deterministic: the same options give the same readings on every run.
/// </summary>
/// <remarks>
/// <para>Normal behaviour. The outside temperature follows a daily cycle peaking at 15:00 UTC, with a per-device
/// swing and a slowly wandering weather offset; the load it puts on the room drives everything else. The room
/// temperature rises slightly with the load around the device's setpoint; relative humidity falls as the room
/// warms; the cooling unit draws more power as the load rises; compressor vibration tracks power. Each device
/// has its own offsets (setpoint, humidity, unit size, mounting), each sensor a bounded drift and Gaussian noise.
/// Drift is part of normal: a model that sees one reading at a time cannot tell it from a different device.</para>
/// <para>Faults. Each reading independently carries a fault with probability <see cref="SensorDataOptions.FaultRate"/>,
/// its kind drawn uniformly from <see cref="FaultKind"/>; docs/MODELS.md lists the magnitudes. Faults are drawn
/// from their own random stream, so the normal readings do not change with the fault rate.</para>
/// </remarks>
public static class SensorDataGenerator
{
    /// <summary>Every device's series, device by device, each in time order.</summary>
    public static IReadOnlyList<SensorSample> Generate(SensorDataOptions options)
    {
        options.Validate();
        var samples = new List<SensorSample>(options.Devices * options.ReadingsPerDevice);
        for (int device = 0; device < options.Devices; device++)
            samples.AddRange(Device(options, device));
        return samples;
    }

    /// <summary>One device's series. A device's readings depend only on the seed and its index, not on how many
    /// devices are generated.</summary>
    public static IEnumerable<SensorSample> Device(SensorDataOptions options, int device)
    {
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(device);
        var physics = new SeededRandom(options.Seed, 2L * device + 1);
        var faults = new SeededRandom(options.Seed, 2L * device + 2);
        var room = new RoomSimulation(DeviceProfile.Draw(physics), physics, options.Interval);
        for (int i = 0; i < options.ReadingsPerDevice; i++)
        {
            var timestamp = options.Start + i * options.Interval;
            var fault = faults.Chance(options.FaultRate) ? (FaultKind)(1 + faults.Next(FaultKinds)) : FaultKind.None;
            yield return room.Read(device, timestamp, fault, faults);
        }
    }

    private const int FaultKinds = 6;
}
