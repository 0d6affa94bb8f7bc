namespace Mesh.Node.Routing;

public enum BreakerState
{
    /// <summary>Calls go through.</summary>
    Closed,

    /// <summary>Calls are refused until the open period ends.</summary>
    Open,

    /// <summary>The open period is over: exactly one probe may go through; its outcome closes or reopens the breaker.</summary>
    HalfOpen,
}

/// <summary>Why a breaker opened.</summary>
public enum BreakerTrip
{
    None,

    /// <summary>Too many consecutive failures.</summary>
    Failures,

    /// <summary>Too many timeouts within the storm window, successes in between or not.</summary>
    TimeoutStorm,

    /// <summary>The half-open probe failed.</summary>
    ProbeFailed,
}

/// <summary>How a call to a target ended badly.</summary>
public enum TargetFailure
{
    /// <summary>The target answered with an error, or the connection broke.</summary>
    Error,

    /// <summary>No answer in time.</summary>
    Timeout,
}

/// <summary>A breaker as seen at one instant.</summary>
/// <param name="OpenedAt">When it last opened (the default when it never has).</param>
/// <param name="Failures">Consecutive failures when it last opened.</param>
public readonly record struct BreakerSnapshot(
    BreakerState State,
    bool ProbeInFlight,
    DateTimeOffset OpenedAt,
    BreakerTrip Trip,
    int Failures)
{
    /// <summary>Whether a new call may go through: closed, or half-open with no probe out yet.</summary>
    public bool LetsThrough => State == BreakerState.Closed || (State == BreakerState.HalfOpen && !ProbeInFlight);
}
