namespace Mesh.Inference.Anomaly;

/// <summary>
/// What each fault does. Faults of the room or its cooling unit change the physical state, and the couplings
/// carry the change to the other sensors; faults of a sensor change only what that sensor reports.
/// Magnitudes are chosen to be what a technician would call a fault, not to be easy: the smallest of each kind
/// sits a few noise-widths from normal once the couplings are taken into account (docs/MODELS.md).
/// </summary>
internal sealed partial class RoomSimulation
{
    private RoomState ApplyToRoom(FaultKind fault, RoomState room, SeededRandom faults, out Func<Reading, Reading>? sensorFault)
    {
        sensorFault = null;
        switch (fault)
        {
            case FaultKind.Spike:
                sensorFault = Spike(faults);
                return room;
            case FaultKind.StuckAtZero:
                int metric = faults.Next(4);
                if (metric == 2)
                {
                    // The cooler has failed: no power, no compressor vibration, and the room is already warming.
                    return room with { Power = 0, Temperature = room.Temperature + faults.Uniform(0.5, 3.0) };
                }

                sensorFault = metric switch
                {
                    0 => r => r with { Temperature = 0 },
                    1 => r => r with { Humidity = 0 },
                    _ => r => r with { Vibration = 0 },
                };
                return room;
            case FaultKind.VibrationDecoupling:
                return room with { ExtraVibration = faults.Uniform(0.5, 1.8) };
            case FaultKind.PowerDecoupling:
                return room with
                {
                    Power = room.Power + faults.Uniform(0.5, 1.2),
                    Temperature = room.Temperature - faults.Uniform(0.0, 0.8),
                };
            case FaultKind.HumidityJump:
                return room with
                {
                    Temperature = room.Temperature + faults.Uniform(0.5, 2.0),
                    HumidityJump = faults.Uniform(8.0, 20.0),
                };
            case FaultKind.TemperatureExcursion:
                double excursion = faults.Chance(0.7) ? faults.Uniform(2.5, 7.0) : -faults.Uniform(2.5, 5.0);
                return room with
                {
                    Temperature = room.Temperature + excursion,
                    Power = room.Power + faults.Uniform(0.3, 0.6),
                };
            default:
                return room;
        }
    }

    private static Func<Reading, Reading> Spike(SeededRandom faults)
    {
        int metric = faults.Next(4);
        double sign = faults.Chance(0.5) ? 1 : -1;
        return metric switch
        {
            0 => Shift(sign * faults.Uniform(2.0, 5.0), 0, 0, 0),
            1 => Shift(0, sign * faults.Uniform(8.0, 18.0), 0, 0),
            2 => Shift(0, 0, sign * faults.Uniform(0.5, 1.2), 0),
            _ => Shift(0, 0, 0, faults.Uniform(0.8, 2.5)),
        };
    }

    private static Func<Reading, Reading> Shift(double temperature, double humidity, double power, double vibration) =>
        r => new Reading(
            r.Temperature + temperature,
            Math.Clamp(r.Humidity + humidity, 0, 100),
            Math.Max(0, r.Power + power),
            Math.Max(0, r.Vibration + vibration));
}
