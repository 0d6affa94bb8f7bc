namespace Mesh.Node.Routing;

/// <summary>Where a task runs and why. <see cref="Verdicts"/> holds one entry per candidate, in the order given; a
/// degraded decision adds the deterministic fallback (<see cref="Verdict.Fallback"/>) at the end.</summary>
/// <param name="Winner">The chosen candidate; null when degraded.</param>
/// <param name="Degraded">No target qualified: the deterministic skill decides.</param>
/// <param name="EffectiveDeadline">The task's deadline capped by the policy's max latency.</param>
public sealed record RouteDecision(
    RouteCandidate? Winner,
    bool Degraded,
    IReadOnlyList<CandidateVerdict> Verdicts,
    TimeSpan EffectiveDeadline)
{
    /// <summary>The longest line <see cref="Reasons"/> renders; longer ones are cut with an ellipsis.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>The route taken: the winner's target, or the deterministic skill.</summary>
    public RouteTarget Chosen => Winner?.Target ?? RouteTarget.Deterministic;

    /// <summary>One line per candidate for <see cref="Mesh.Protocol.Audit.AuditRoute.Reasons"/>: the chosen route first
    /// (or the degraded line), then the losers in candidate order.</summary>
    public IReadOnlyList<string> Reasons()
    {
        var lines = new List<string>(Verdicts.Count);
        for (var i = 0; i < Verdicts.Count; i++)
        {
            if (Verdicts[i].Verdict is Verdict.Won or Verdict.Fallback)
                lines.Add(RouteText.Line(Verdicts[i]));
        }
        for (var i = 0; i < Verdicts.Count; i++)
        {
            if (Verdicts[i].Verdict is not (Verdict.Won or Verdict.Fallback))
                lines.Add(RouteText.Line(Verdicts[i]));
        }
        return lines;
    }
}
