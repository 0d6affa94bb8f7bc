using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>A policy rule compiled for one device.</summary>
internal sealed record CompiledRule(PolicyRule Source, CompiledCondition When, CompiledCondition Clear)
{
    public string Id => Source.Id;
}

/// <summary>A count window of one device: readings matching <see cref="Predicate"/> within <see cref="WithinMs"/>.
/// <see cref="Key"/> names it in device state (rule id and the condition's path), so that a policy change
/// that keeps the condition keeps its history.</summary>
internal sealed record CompiledWindow(string Key, Comparison Predicate, long WithinMs);
