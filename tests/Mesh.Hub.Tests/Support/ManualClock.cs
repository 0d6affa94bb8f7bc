namespace Mesh.Hub.Tests.Support;

/// <summary>A clock that moves only when a test advances it; starts at the real time.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
