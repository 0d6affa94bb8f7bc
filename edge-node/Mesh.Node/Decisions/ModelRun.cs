using Mesh.Protocol.Audit;

namespace Mesh.Node.Decisions;

/// <summary>
/// One model's result for one reading and the route it took. The Observation record carries it, so recovery and
/// replay decide again from the recorded result and never need the model. <see cref="Score"/> is null when no
/// result exists (the model is not registered, or a metric it needs is missing): the policy then sees the model's
/// outputs as unknown. <see cref="Degraded"/>: the deterministic skill decided, or nothing did.
/// </summary>
public sealed record ModelRun(string Model, string Version, string Output, double? Score, double Confidence, bool Degraded, AuditRoute Route)
{
    /// <summary>Confidence of a probability: how far it is from a coin toss, max(p, 1 − p).</summary>
    public static double ConfidenceOf(double probability) => Math.Max(probability, 1 - probability);

    public bool Equals(ModelRun? other) =>
        other is not null && Model == other.Model && Version == other.Version && Output == other.Output && Score == other.Score
        && Confidence.Equals(other.Confidence) && Degraded == other.Degraded && Route.Equals(other.Route);

    public override int GetHashCode() => HashCode.Combine(Model, Version, Score);
}
