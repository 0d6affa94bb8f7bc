namespace Mesh.Protocol.Audit;

/// <summary>
/// Where the work behind a record ran and why: the target (edge GPU, cloud GPU, CPU or deterministic
/// code), the hardware profile, the model and its version, measured latency, cost, and the reasons.
/// </summary>
public sealed record AuditRoute(
    string Target,
    string Profile,
    string Model,
    string ModelVersion,
    long LatencyMicros,
    long CostMicros,
    IReadOnlyList<string> Reasons)
{
    /// <summary>No route: the record is not the result of any work (an observation, a rejection).</summary>
    public static readonly AuditRoute None = new("", "", "", "", 0, 0, []);

    /// <summary>Decided by plain deterministic code on the node.</summary>
    public static AuditRoute Deterministic(string profile, string reason) =>
        new("deterministic", profile, "", "", 0, 0, [reason]);

    public bool Equals(AuditRoute? other) =>
        other is not null
        && Target == other.Target && Profile == other.Profile && Model == other.Model
        && ModelVersion == other.ModelVersion && LatencyMicros == other.LatencyMicros
        && CostMicros == other.CostMicros && Reasons.SequenceEqual(other.Reasons);

    public override int GetHashCode() => HashCode.Combine(Target, Profile, Model, LatencyMicros, Reasons.Count);
}
