using System.Collections.Concurrent;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>
/// A policy in force on the node, with where it came from. Hands out each device's compiled view,
/// built once per device and policy.
/// </summary>
public sealed class ActivePolicy
{
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>();
    private readonly ConcurrentDictionary<string, DevicePolicy> _devices = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _attributes;

    public ActivePolicy(SitePolicy policy, PolicySource source, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? attributes = null)
    {
        Policy = policy;
        Source = source;
        _attributes = attributes ?? new Dictionary<string, IReadOnlyDictionary<string, string>>();
    }

    public SitePolicy Policy { get; }

    public PolicySource Source { get; }

    public string Ref => Policy.Ref;

    public IReadOnlyDictionary<string, string> AttributesOf(string device) =>
        _attributes.TryGetValue(device, out var a) ? a : NoAttributes;

    public DevicePolicy For(string device) =>
        _devices.GetOrAdd(device, static (d, self) => PolicyCompiler.Compile(self.Policy, d, self.AttributesOf(d)), this);
}

/// <summary>Where an active policy came from.</summary>
/// <param name="Kind"><c>builtin</c> (from <c>Node:Rules</c>), <c>file</c> or <c>hub</c>.</param>
/// <param name="Detail">The file path, or the hub's activation number.</param>
public sealed record PolicySource(string Kind, string Detail, long Activation = 0)
{
    public static readonly PolicySource BuiltIn = new("builtin", "Node:Rules");

    public override string ToString() => Detail.Length == 0 ? Kind : $"{Kind}:{Detail}";
}
