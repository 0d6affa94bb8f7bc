namespace Mesh.Inference.Anomaly;

/// <summary>
/// One cooled room reading after reading: the physics of normal behaviour (this file) and what each fault does
/// to it (<c>RoomSimulation.Faults.cs</c>). The physics stream is drawn the same way whether or not a reading is
/// faulty, so faults never shift the normal readings that follow.
/// </summary>
internal sealed partial class RoomSimulation
{
    private const double AmbientMean = 22.0;
    private const double AmbientPeakHour = 15.0;
    private const double WeatherSd = 1.0;
    private const double WeatherHours = 24.0;
    private const double LoadPerDegreeOutside = 1.0 / 6.0;
    private const double TemperaturePerLoad = 0.5;
    private const double HumidityPerDegree = 4.0;
    private const double NominalTemperature = 4.0;
    private const double PowerPerLoad = 0.45;
    private const double VibrationIdle = 0.5;
    private const double VibrationPerKilowatt = 0.9;

    // Sensor noise, one standard deviation: °C, % RH, kW, mm/s.
    private const double TemperatureNoise = 0.12;
    private const double HumidityNoise = 0.7;
    private const double PowerNoise = 0.05;
    private const double VibrationNoise = 0.08;

    private readonly DeviceProfile _profile;
    private readonly SeededRandom _random;
    private readonly TimeSpan _interval;
    private readonly double _weatherPersistence;
    private readonly SensorDrift _temperatureDrift;
    private readonly SensorDrift _humidityDrift;
    private readonly SensorDrift _powerDrift;
    private readonly SensorDrift _vibrationDrift;
    private double _weather;

    public RoomSimulation(DeviceProfile profile, SeededRandom random, TimeSpan interval)
    {
        _profile = profile;
        _random = random;
        _interval = interval;
        _weatherPersistence = Math.Exp(-interval.TotalHours / WeatherHours);
        _weather = random.Gaussian(WeatherSd);
        _temperatureDrift = new SensorDrift(0.5, 0.06, random.Uniform(-0.25, 0.25));
        _humidityDrift = new SensorDrift(1.5, 0.2, random.Uniform(-0.75, 0.75));
        _powerDrift = new SensorDrift(0.05, 0.006, random.Uniform(-0.025, 0.025));
        _vibrationDrift = new SensorDrift(0.1, 0.012, random.Uniform(-0.05, 0.05));
    }

    public SensorSample Read(int device, DateTimeOffset timestamp, FaultKind fault, SeededRandom faults)
    {
        double hour = AnomalyFeatures.HourOfDay(timestamp);
        _weather = _weatherPersistence * _weather
            + Math.Sqrt(1 - _weatherPersistence * _weatherPersistence) * _random.Gaussian(WeatherSd);
        double outside = AmbientMean + _weather + _profile.AmbientSwing * Math.Cos(2 * Math.PI * (hour - AmbientPeakHour) / 24);
        double load = (outside - AmbientMean) * LoadPerDegreeOutside;

        var room = new RoomState(
            Temperature: _profile.Setpoint + TemperaturePerLoad * load,
            HumidityJump: 0,
            Power: _profile.PowerBase + PowerPerLoad * load,
            ExtraVibration: 0);
        room = ApplyToRoom(fault, room, faults, out var sensorFault);

        // Relative humidity depends on the air's actual temperature, not on the setpoint: warmer air, lower RH.
        double humidity = _profile.HumidityBase - HumidityPerDegree * (room.Temperature - NominalTemperature) + room.HumidityJump;
        double vibration = room.Power > 0
            ? VibrationIdle + VibrationPerKilowatt * room.Power + _profile.VibrationOffset + room.ExtraVibration
            : 0;

        // Every reading draws the same physics numbers in the same order, whatever the fault.
        double temperatureError = _temperatureDrift.Step(_random, _interval) + _random.Gaussian(TemperatureNoise);
        double humidityError = _humidityDrift.Step(_random, _interval) + _random.Gaussian(HumidityNoise);
        double powerError = _powerDrift.Step(_random, _interval) + _random.Gaussian(PowerNoise);
        double vibrationError = _vibrationDrift.Step(_random, _interval) + _random.Gaussian(VibrationNoise);
        var reading = new Reading(
            Temperature: room.Temperature + temperatureError,
            Humidity: Math.Clamp(humidity + humidityError, 0, 100),
            Power: room.Power > 0 ? Math.Max(0, room.Power + powerError) : 0,
            Vibration: Math.Max(0, vibration + vibrationError));
        reading = sensorFault?.Invoke(reading) ?? reading;
        return new SensorSample(
            device,
            timestamp,
            Math.Round(reading.Temperature, 2),
            Math.Round(reading.Humidity, 1),
            Math.Round(reading.Power, 3),
            Math.Round(reading.Vibration, 2),
            fault);
    }

    /// <summary>The physical state of the room and its cooling unit for one reading.</summary>
    private readonly record struct RoomState(double Temperature, double HumidityJump, double Power, double ExtraVibration);

    /// <summary>What the four sensors report.</summary>
    private readonly record struct Reading(double Temperature, double Humidity, double Power, double Vibration);
}
