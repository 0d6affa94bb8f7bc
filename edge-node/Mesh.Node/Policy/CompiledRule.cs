using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>A policy rule compiled for one device.</summary>
internal sealed record CompiledRule(PolicyRule Source, CompiledCondition When, CompiledCondition Clear)
{
    /// <summary>The models the rule's conditions read, comma-separated in order of first use ("" for none).</summary>
    public string Models { get; init; } = "";

    public string Id => Source.Id;
}

/// <summary>A count window of one device: readings matching <see cref="Predicate"/> within <see cref="WithinMs"/>.
/// <see cref="Key"/> names it in device state (rule id and the condition's path), so that a policy change
/// that keeps the condition keeps its history.</summary>
internal sealed record CompiledWindow(string Key, Comparison Predicate, long WithinMs);
