namespace Mesh.Node.Routing;

/// <summary>What the node has observed of one target, at one instant.</summary>
/// <param name="Samples">Latencies measured so far (successful calls).</param>
/// <param name="EwmaMs">Moving average of those latencies; meaningless while <paramref name="Samples"/> is 0.</param>
/// <param name="InFlight">Calls started and not yet ended: the target's queue as this node sees it.</param>
public readonly record struct TargetHealth(
    long Samples,
    double EwmaMs,
    int InFlight,
    long Successes,
    long Failures,
    BreakerSnapshot Breaker)
{
    /// <summary>A target never used: nothing measured, breaker closed.</summary>
    public static readonly TargetHealth Unknown = default;
}
