namespace Mesh.Node.Routing;

/// <summary>
/// Closed → Open after <see cref="LiveStatsOptions.FailuresToOpen"/> consecutive failures or a timeout storm
/// (<see cref="LiveStatsOptions.TimeoutStormCount"/> timeouts within <see cref="LiveStatsOptions.TimeoutStormWindow"/>);
/// Open for <see cref="LiveStatsOptions.OpenFor"/>, then HalfOpen: exactly one probe goes through; its success closes the
/// breaker, its failure opens it again. A probe that reports nothing within the open period counts as lost, so another
/// may go. The state moves only when asked, at the instant given: no timers.
/// </summary>
/// <remarks>Not thread-safe on its own: <see cref="LiveStats"/> calls it under its target's lock.</remarks>
public sealed class CircuitBreaker
{
    private readonly LiveStatsOptions _options;
    private readonly DateTimeOffset[] _timeouts;
    private int _timeoutCount;
    private int _timeoutNext;
    private BreakerState _state;
    private int _consecutiveFailures;
    private DateTimeOffset _openedAt;
    private BreakerTrip _trip;
    private int _failuresAtTrip;
    private DateTimeOffset? _probeSince;

    public CircuitBreaker(LiveStatsOptions options)
    {
        _options = options;
        _timeouts = new DateTimeOffset[options.TimeoutStormCount];
    }

    public BreakerSnapshot Snapshot(DateTimeOffset now)
    {
        Advance(now);
        return new(_state, ProbeOut(now), _openedAt, _trip, _failuresAtTrip);
    }

    /// <summary>Asks to send a call. False: the breaker refuses it (open, or the half-open probe is already out).</summary>
    public bool TryPass(DateTimeOffset now)
    {
        Advance(now);
        switch (_state)
        {
            case BreakerState.Closed:
                return true;
            case BreakerState.HalfOpen when !ProbeOut(now):
                _probeSince = now;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A call that went through was dropped without an outcome: its probe slot, if it had it, frees up.</summary>
    public void Abandoned() => _probeSince = null;

    public void Succeeded(DateTimeOffset now)
    {
        Advance(now);
        _consecutiveFailures = 0;
        if (_state == BreakerState.HalfOpen)
        {
            _state = BreakerState.Closed;
            _probeSince = null;
            _timeoutCount = 0;
        }
        // Open: a call sent before the breaker opened proves little; the open period runs its course.
    }

    public void Failed(DateTimeOffset now, TargetFailure failure)
    {
        Advance(now);
        _consecutiveFailures++;
        if (failure == TargetFailure.Timeout)
            RecordTimeout(now);
        switch (_state)
        {
            case BreakerState.HalfOpen:
                Open(now, BreakerTrip.ProbeFailed);
                break;
            case BreakerState.Closed when _consecutiveFailures >= _options.FailuresToOpen:
                Open(now, BreakerTrip.Failures);
                break;
            case BreakerState.Closed when failure == TargetFailure.Timeout && TimeoutStorm():
                Open(now, BreakerTrip.TimeoutStorm);
                break;
        }
    }

    private void Advance(DateTimeOffset now)
    {
        if (_state == BreakerState.Open && now - _openedAt >= _options.OpenFor)
        {
            _state = BreakerState.HalfOpen;
            _probeSince = null;
        }
    }

    private bool ProbeOut(DateTimeOffset now) =>
        _state == BreakerState.HalfOpen && _probeSince is { } since && now - since < _options.OpenFor;

    private void Open(DateTimeOffset now, BreakerTrip trip)
    {
        _state = BreakerState.Open;
        _openedAt = now;
        _trip = trip;
        _failuresAtTrip = _consecutiveFailures;
        _probeSince = null;
    }

    private void RecordTimeout(DateTimeOffset now)
    {
        _timeouts[_timeoutNext] = now;
        _timeoutNext = (_timeoutNext + 1) % _timeouts.Length;
        if (_timeoutCount < _timeouts.Length)
            _timeoutCount++;
    }

    // The ring holds the latest timeouts; once full, the slot about to be overwritten is the oldest.
    private bool TimeoutStorm() =>
        _timeoutCount == _timeouts.Length
        && _timeouts[(_timeoutNext + _timeouts.Length - 1) % _timeouts.Length] - _timeouts[_timeoutNext] <= _options.TimeoutStormWindow;
}
