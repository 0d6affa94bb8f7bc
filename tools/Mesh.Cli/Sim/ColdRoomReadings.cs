using Mesh.Inference.Anomaly;

namespace Mesh.Cli.Sim;

/// <summary>
/// One cold room's readings from the anomaly model's generator (daily cycle, couplings, drift, noise and injected
/// faults, deterministic for the seed and device), taken in order and started again at the end. A reading keeps
/// the generator's time of day, placed within the last 24 hours (<see cref="TimeOf"/>), so the model sees the daily
/// cycle it was trained on although the simulator runs far faster than one reading per 5 minutes.
/// </summary>
internal sealed class ColdRoomReadings(int seed, ulong deviceKey)
{
    private readonly IEnumerable<SensorSample> _source = SensorDataGenerator.Device(
        new SensorDataOptions { Seed = seed ^ (int)(deviceKey & 0x7fffffff), Devices = 1, Days = 7 }, 0);
    private IEnumerator<SensorSample>? _next;

    /// <summary>Today's (or, if that is still ahead, yesterday's) instant at the sample's UTC time of day.</summary>
    public static DateTime TimeOf(SensorSample sample, DateTime utcNow)
    {
        var at = utcNow.Date + sample.Timestamp.UtcDateTime.TimeOfDay;
        return at > utcNow ? at.AddDays(-1) : at;
    }

    public SensorSample Next()
    {
        _next ??= _source.GetEnumerator();
        if (!_next.MoveNext())
        {
            _next.Dispose();
            _next = _source.GetEnumerator();
            _next.MoveNext();
        }
        return _next.Current;
    }
}
