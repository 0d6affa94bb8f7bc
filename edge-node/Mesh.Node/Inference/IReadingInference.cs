using Mesh.Node.Decisions;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Inference;

/// <summary>Runs the models a reading's rules read, each on the target the router picks (the node's inference coordinator).
/// Never fails for a target's sake: a failed target is routed around, and when nothing qualifies the deterministic
/// skill decides ("degraded").</summary>
public interface IReadingInference
{
    Task<IReadOnlyList<ModelRun>> RunAsync(Observation reading, IReadOnlyList<string> models, RoutingLimits? routing);
}
