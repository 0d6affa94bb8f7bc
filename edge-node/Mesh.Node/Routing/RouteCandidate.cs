namespace Mesh.Node.Routing;

/// <summary>One target that could run a task, with what its hardware profile promises for the task's model.</summary>
/// <param name="PriorP50Ms">The profile's median latency for the model on this provider.</param>
/// <param name="PriorP99Ms">The profile's 99th percentile; the router predicts with it until the target has been measured.</param>
/// <param name="RoundTripMs">Network round trip to the target's node; 0 for local targets.</param>
/// <param name="CostPerInference">Price of one inference, in <see cref="RouteTarget.Currency"/>; 0 for local targets.</param>
/// <param name="Available">False when the target does not serve the model or is disconnected.</param>
/// <param name="Parallelism">How many inferences the target runs at once, so how fast its queue drains: 1 for a GPU
/// (one stream) and for remote targets (this node sees only its own calls to them, so it treats them as one queue);
/// the cores given to inference for the local CPU provider. Values below 1 count as 1.</param>
public sealed record RouteCandidate(
    RouteTarget Target,
    double PriorP50Ms,
    double PriorP99Ms,
    double RoundTripMs,
    double CostPerInference,
    bool Available,
    int Parallelism = 1)
{
    /// <summary>The deterministic skill as a candidate: instant and free. Listed only as the fallback of a degraded decision.</summary>
    public static readonly RouteCandidate Deterministic = new(RouteTarget.Deterministic, 0, 0, 0, 0, true);
}
