using Mesh.Protocol.Topics;

namespace Mesh.Cli.Sim;

/// <summary>What <see cref="SensorSimulator"/> simulates: which broker, how many devices, how fast, for how long.</summary>
public sealed record SimulatorOptions
{
    /// <summary>The node's MQTT broker host. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The node's MQTT broker port. Default 1883.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>The brokers of a multi-node site (on <see cref="Host"/>), instead of <see cref="Port"/>: devices are
    /// spread over them, and a device whose broker stops answering moves to the next one in the list, as a device
    /// configured with its site's brokers would.</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    /// <summary>The brokers devices connect to: <see cref="Ports"/>, or <see cref="Port"/> alone.</summary>
    public IReadOnlyList<int> Brokers => Ports.Count > 0 ? Ports : [Port];

    /// <summary>Sites to simulate; each gets <see cref="Devices"/> devices. Default <c>["site-a"]</c>.</summary>
    public IReadOnlyList<string> Sites { get; init; } = ["site-a"];

    /// <summary>Devices per site, named <c>dev-0001</c>, <c>dev-0002</c>, …. Default 10.</summary>
    public int Devices { get; init; } = 10;

    /// <summary>New readings per second across all devices (republishes are not paced). 0 = as fast as
    /// the broker acknowledges. Default 100.</summary>
    public double Rate { get; init; } = 100;

    /// <summary>Stop starting new readings after this long (the clock starts once every device is connected).
    /// Null = no time limit. With <see cref="ReadingsPerDevice"/>, whichever comes first; with neither, the
    /// run lasts until cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Publishes per device, valid and malformed together. Null = no count limit.</summary>
    public int? ReadingsPerDevice { get; init; }

    /// <summary>Share (0..1) of publishes that are malformed, chosen deterministically from <see cref="Seed"/>. Default 0.</summary>
    public double MalformedShare { get; init; }

    /// <summary>Seed for every generated value and for the choice of malformed publishes. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>First <c>seq</c> of every device. Default 1; use the current Unix time in milliseconds to
    /// run again against the same node without the node taking the readings for duplicates.</summary>
    public long StartSeq { get; init; } = 1;

    /// <summary>Device passwords, for a node that requires credentials (the default): each device then connects with client
    /// id = username = its device id and its password, and <see cref="ClientIdPrefix"/> is not used. Null: no credentials
    /// (a node with <c>Node:Devices:AllowAnonymous=true</c>).</summary>
    public Devices.DeviceCredentials? Credentials { get; init; }

    /// <summary>The device ids of one site: <c>&lt;prefix&gt;-0001</c> … .</summary>
    public IEnumerable<string> DeviceIds() => Enumerable.Range(1, Devices).Select(i => $"{DevicePrefix}-{i:D4}");

    /// <summary>MQTT client ids are <c>&lt;prefix&gt;-&lt;site&gt;-&lt;device&gt;</c>. Default <c>sim</c>.</summary>
    public string ClientIdPrefix { get; init; } = "sim";

    /// <summary>The temperature threshold the node's rule uses: the simulated temperature is a slow wave
    /// centred 4 °C below it with an amplitude of 6 °C, so it is above the threshold about a quarter of
    /// the time. Default 30.0.</summary>
    public double Threshold { get; init; } = 30.0;

    /// <summary>What the devices measure: <see cref="SensorKind.Thermal"/> (default; <c>dev-NNNN</c>, temperature and humidity
    /// crossing <see cref="Threshold"/>) or <see cref="SensorKind.ColdRoom"/> (<c>room-NNNN</c>, temperature, humidity, power and
    /// vibration from the anomaly model's data generator, with its injected faults; see docs/MODELS.md).</summary>
    public SensorKind Sensors { get; init; } = SensorKind.Thermal;

    /// <summary>The device id prefix of <see cref="Sensors"/>.</summary>
    public string DevicePrefix => Sensors == SensorKind.ColdRoom ? "room" : "dev";

    /// <summary>Publishes a device may have awaiting PUBACK. Default 1: strictly one at a time, which keeps
    /// each device's readings in order at the node even across retries.</summary>
    public int MaxInFlightPerDevice { get; init; } = 1;

    /// <summary>How long to keep trying to connect each device before the run starts. Default 15 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for a PUBACK before treating the connection as broken. Default 10 s.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to keep republishing one reading (from its first attempt) before giving up on it. Default 2 min.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Every problem with these options, each naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
            errors.Add("Host must not be empty");
        if (Port is < 1 or > 65535)
            errors.Add($"Port {Port} must be within 1..65535");
        if (Sites.Count == 0)
            errors.Add("Sites must name at least one site");
        foreach (var site in Sites.Where(s => !MeshTopics.IsValidSegment(s)))
            errors.Add($"Sites: '{site}' is not a valid site id (1-{MeshTopics.MaxSegmentLength} characters, no '/', '+', '#' or whitespace)");
        if (Sites.Distinct(StringComparer.Ordinal).Count() != Sites.Count)
            errors.Add("Sites must not repeat a site");
        if (Devices is < 1 or > 100_000)
            errors.Add($"Devices {Devices} must be within 1..100000");
        if (!double.IsFinite(Rate) || Rate < 0)
            errors.Add($"Rate {Rate} must be 0 (unlimited) or a positive number of readings per second");
        if (Duration is { } d && d <= TimeSpan.Zero)
            errors.Add($"Duration {d} must be positive");
        if (ReadingsPerDevice is < 1)
            errors.Add($"ReadingsPerDevice {ReadingsPerDevice} must be at least 1");
        if (!(MalformedShare is >= 0 and <= 1))
            errors.Add($"MalformedShare {MalformedShare} must be within 0..1");
        if (StartSeq < 1)
            errors.Add($"StartSeq {StartSeq} must be positive");
        if (string.IsNullOrWhiteSpace(ClientIdPrefix))
            errors.Add("ClientIdPrefix must not be empty");
        if (!double.IsFinite(Threshold))
            errors.Add("Threshold must be a finite number");
        if (Credentials is { } credentials && Devices is >= 1 and <= 100_000
            && Sites.SelectMany(site => DeviceIds().Select(d => (site, d))).FirstOrDefault(x => credentials.Password(x.site, x.d) is null) is { site: not null } missing)
            errors.Add($"Credentials has no password for device {missing.d} of site {missing.site}");
        if (MaxInFlightPerDevice is < 1 or > 1000)
            errors.Add($"MaxInFlightPerDevice {MaxInFlightPerDevice} must be within 1..1000");
        if (ConnectTimeout <= TimeSpan.Zero || AckTimeout <= TimeSpan.Zero || GiveUpAfter <= TimeSpan.Zero)
            errors.Add("ConnectTimeout, AckTimeout and GiveUpAfter must be positive");
        return errors;
    }
}
