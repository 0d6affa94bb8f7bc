namespace Mesh.Node.Tests.Support;

/// <summary>A clock that moves only when told. Timers are not faked: the device agents use Akka timers, which
/// fire at <c>max(0, deadline - now)</c>, so tests put deadlines either in the past or far in the future.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
