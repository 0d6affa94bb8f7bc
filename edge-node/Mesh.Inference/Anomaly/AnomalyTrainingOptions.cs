namespace Mesh.Inference.Anomaly;

/// <summary>
/// Everything <c>mesh model train</c> can set. The defaults are the shipped model's configuration: changing one
/// changes models/anomaly/ on the next retrain.
/// </summary>
public sealed record AnomalyTrainingOptions
{
    /// <summary>Seeds the data, the device split, the initial weights and the batch order. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Simulated devices; 70 % train, 10 % validate, 20 % are held out. Default 100.</summary>
    public int Devices { get; init; } = 100;

    /// <summary>Days of readings per device. Default 5.</summary>
    public int Days { get; init; } = 5;

    /// <summary>Time between a device's readings. Default 5 minutes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Share of readings with an injected fault. Default 0.03.</summary>
    public double FaultRate { get; init; } = 0.03;

    /// <summary>Training epochs. Default 12.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Where to write anomaly.onnx, manifest.yaml and evaluation.md; null writes nothing. Default null.</summary>
    public string? OutputFolder { get; init; }

    /// <summary>The model version written to the manifest and the ONNX metadata. Default "1.0.0".</summary>
    public string Version { get; init; } = "1.0.0";

    public SensorDataOptions ToDataOptions() =>
        new() { Seed = Seed, Devices = Devices, Days = Days, Interval = Interval, FaultRate = FaultRate };

    public AnomalyTrainerOptions ToTrainerOptions() => new() { Seed = Seed, Epochs = Epochs };

    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        ToDataOptions().Validate();
        ToTrainerOptions().Validate();
        if (Devices < 3)
            throw new ArgumentException($"{nameof(Devices)} must be at least 3 to split into training, validation and held-out devices (was {Devices}).");
        if (string.IsNullOrWhiteSpace(Version) || Version.Any(c => char.IsWhiteSpace(c) || c is ':' or '#' or '"'))
            throw new ArgumentException($"{nameof(Version)} must be a plain version such as 1.0.0 (was '{Version}').");
    }
}
