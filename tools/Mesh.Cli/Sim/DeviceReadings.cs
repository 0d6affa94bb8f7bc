namespace Mesh.Cli.Sim;

/// <summary>
/// The stream of publishes of one device. Content is a pure function of (seed, site, device, index);
/// only <c>ts</c> comes from the clock.
/// </summary>
/// <remarks>
/// A malformed publish whose kind has a <c>seq</c> field takes the device's next seq instead of
/// reusing a valid reading's one. The valid readings then stay strictly increasing (with gaps where
/// the malformed ones sit), and no refused payload shares a seq with an accepted reading, which a node
/// de-duplicating by (device, seq) could otherwise mistake for a repeat.
/// </remarks>
internal sealed class DeviceReadings
{
    private static readonly int KindCount = Enum.GetValues<MalformedKind>().Length;
    private readonly ulong _key;
    private readonly SensorWave _wave;
    private readonly ColdRoomReadings? _room;
    private readonly double _malformedShare;
    private readonly int _kindOffset;
    private long _nextSeq;
    private int _malformedCount;

    public DeviceReadings(SimulatorOptions options, string site, string device)
    {
        _key = StableHash.Of(options.Seed, site, device);
        _wave = SensorWave.For(_key, options.Threshold);
        _room = options.Sensors == SensorKind.ColdRoom ? new ColdRoomReadings(options.Seed, _key) : null;
        _malformedShare = options.MalformedShare;
        _kindOffset = (int)(_key % (ulong)KindCount);
        _nextSeq = options.StartSeq;
    }

    /// <summary>Publishes produced so far.</summary>
    public long Produced { get; private set; }

    public Reading Next(DateTime utcNow)
    {
        var index = Produced++;
        var sample = _room?.Next();
        var temperature = sample?.Temperature ?? _wave.Temperature(index);
        var humidity = sample?.Humidity ?? _wave.Humidity(index);
        if (_malformedShare > 0 && StableHash.Unit(_key, index, 1) < _malformedShare)
        {
            var kind = (MalformedKind)((_kindOffset + _malformedCount++) % KindCount);
            long? seq = MalformedPayloads.HasSeq(kind) ? _nextSeq++ : null;
            return new Reading
            {
                Index = index,
                Seq = seq,
                Malformed = kind,
                Payload = MalformedPayloads.Create(kind, utcNow, seq ?? 0, index, temperature, humidity),
            };
        }
        var validSeq = _nextSeq++;
        return new Reading
        {
            Index = index,
            Seq = validSeq,
            Malformed = null,
            Payload = sample is { } room
                ? TelemetryPayloads.ColdRoom(ColdRoomReadings.TimeOf(room, utcNow), validSeq, room.Temperature, room.Humidity, room.Power, room.Vibration)
                : TelemetryPayloads.Valid(utcNow, validSeq, temperature, humidity),
        };
    }
}
