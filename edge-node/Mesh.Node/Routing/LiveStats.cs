using System.Collections.Concurrent;

namespace Mesh.Node.Routing;

/// <summary>
/// Live statistics per target id — latency average, calls in flight, circuit breaker — shared by all device agents of
/// a node. Thread-safe. Time comes only from the <see cref="TimeProvider"/>, so tests drive breakers with a manual clock.
/// </summary>
/// <remarks>Every target gets a breaker, local execution providers included: a provider that keeps failing
/// (a CUDA device lost, out of memory) is routed around like an unreachable peer.</remarks>
public sealed class LiveStats
{
    private readonly ConcurrentDictionary<string, TargetStats> _targets = new(StringComparer.Ordinal);

    public LiveStats(TimeProvider time, LiveStatsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        options ??= LiveStatsOptions.Default;
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new ArgumentException("invalid live statistics options: " + string.Join("; ", errors), nameof(options));
        Time = time;
        Options = options;
    }

    public TimeProvider Time { get; }

    public LiveStatsOptions Options { get; }

    /// <summary>Records that a call to <paramref name="targetId"/> starts. False when its breaker refuses the call
    /// (open, or the half-open probe is already out): the caller must not send it, and routes again.</summary>
    public bool Started(string targetId) => For(targetId).Started(Time.GetUtcNow());

    /// <summary>A started call answered after <paramref name="latency"/>: the measurement feeds the moving average.</summary>
    public void Succeeded(string targetId, TimeSpan latency) =>
        For(targetId).Succeeded(Time.GetUtcNow(), latency.TotalMilliseconds);

    public void Failed(string targetId, TargetFailure failure) => For(targetId).Failed(Time.GetUtcNow(), failure);

    /// <summary>A started call was dropped without an outcome (cancelled): it leaves the queue and frees a probe slot.</summary>
    public void Abandoned(string targetId) => For(targetId).Abandoned();

    public TargetHealth Snapshot(string targetId) => Snapshot(targetId, Time.GetUtcNow());

    internal TargetHealth Snapshot(string targetId, DateTimeOffset now) =>
        _targets.TryGetValue(targetId, out var stats) ? stats.Snapshot(now) : TargetHealth.Unknown;

    private TargetStats For(string targetId) =>
        _targets.TryGetValue(targetId, out var stats) ? stats : _targets.GetOrAdd(targetId, static (_, o) => new TargetStats(o), Options);
}
