namespace Mesh.Node.Routing;

/// <summary>
/// One candidate as the router judged it: its predicted latency, its cost, the verdict, and the numbers behind it.
/// <see cref="Why"/> is rendered from those numbers when read, so choosing formats no text.
/// </summary>
public readonly record struct CandidateVerdict
{
    internal CandidateVerdict(
        RouteCandidate candidate, Verdict verdict, double predictedMs, double serviceMs, bool measured, TargetHealth health,
        RouteLimits limits, double deadlineMs, double spentToday)
    {
        Candidate = candidate;
        Verdict = verdict;
        PredictedMs = predictedMs;
        ServiceMs = serviceMs;
        Measured = measured;
        Health = health;
        Limits = limits;
        DeadlineMs = deadlineMs;
        SpentToday = spentToday;
    }

    public RouteCandidate Candidate { get; }

    public Verdict Verdict { get; private init; }

    public double PredictedMs { get; }

    /// <summary>The service time the prediction used: the measured average, or the prior p99 until measured.</summary>
    public double ServiceMs { get; }

    /// <summary>Whether <see cref="ServiceMs"/> is the measured average rather than the profile's prior.</summary>
    public bool Measured { get; }

    /// <summary>The live statistics the router saw for the target.</summary>
    public TargetHealth Health { get; }

    /// <summary>For <see cref="Verdict.Costlier"/>, <see cref="Verdict.Slower"/> and <see cref="Verdict.Tie"/>: the winner.</summary>
    public RouteCandidate? Rival { get; private init; }

    public double RivalPredictedMs { get; private init; }

    internal RouteLimits Limits { get; }

    internal double DeadlineMs { get; }

    internal double SpentToday { get; }

    public string TargetId => Candidate.Target.Id;

    public double Cost => Candidate.CostPerInference;

    /// <summary>Short human text: why the candidate won or lost.</summary>
    public string Why => RouteText.Why(this);

    internal CandidateVerdict Ranked(Verdict verdict, RouteCandidate winner, double winnerPredictedMs) =>
        this with { Verdict = verdict, Rival = winner, RivalPredictedMs = winnerPredictedMs };

    internal static CandidateVerdict Fallback(RouteLimits limits, double deadlineMs, double spentToday) =>
        new(RouteCandidate.Deterministic, Verdict.Fallback, 0, 0, false, TargetHealth.Unknown, limits, deadlineMs, spentToday);
}
