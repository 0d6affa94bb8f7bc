namespace Mesh.Node.Routing;

/// <summary>The live, mutable statistics of one target. Every member takes the target's lock, so device agents can
/// report concurrently; a snapshot is consistent (latency, queue and breaker read together).</summary>
internal sealed class TargetStats(LiveStatsOptions options)
{
    private readonly Lock _gate = new();
    private readonly CircuitBreaker _breaker = new(options);
    private readonly double _alpha = options.EwmaAlpha;
    private readonly TimeSpan _forgetAfter = options.ForgetAfter;
    private DateTimeOffset _lastSampleAt;
    private long _samples;
    private double _ewmaMs;
    private int _inFlight;
    private long _successes;
    private long _failures;

    public bool Started(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_breaker.TryPass(now))
                return false;
            _inFlight++;
            return true;
        }
    }

    public void Succeeded(DateTimeOffset now, double latencyMs)
    {
        lock (_gate)
        {
            EndCall();
            _successes++;
            if (Stale(now))
                _samples = 0;
            _ewmaMs = _samples == 0 ? latencyMs : _alpha * latencyMs + (1 - _alpha) * _ewmaMs;
            _samples++;
            _lastSampleAt = now;
            _breaker.Succeeded(now);
        }
    }

    public void Failed(DateTimeOffset now, TargetFailure failure)
    {
        lock (_gate)
        {
            EndCall();
            _failures++;
            _breaker.Failed(now, failure);
        }
    }

    public void Abandoned()
    {
        lock (_gate)
        {
            EndCall();
            _breaker.Abandoned();
        }
    }

    public TargetHealth Snapshot(DateTimeOffset now)
    {
        lock (_gate)
            return new(Stale(now) ? 0 : _samples, _ewmaMs, _inFlight, _successes, _failures, _breaker.Snapshot(now));
    }

    private bool Stale(DateTimeOffset now) => _samples > 0 && now - _lastSampleAt > _forgetAfter;

    // An outcome without a matching start (a caller that skipped Started) must not drive the queue negative.
    private void EndCall()
    {
        if (_inFlight > 0)
            _inFlight--;
    }
}
