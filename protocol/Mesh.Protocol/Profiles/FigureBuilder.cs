using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

/// <summary>What profiles and model manifests read alike: execution provider names, latency priors, and the
/// <c>source</c> every group of figures must give.</summary>
internal abstract class FigureBuilder(YamlDiagnostics diagnostics) : YamlBuilder(diagnostics)
{
    private const string SourceHint =
        "every figure names where it comes from (a datasheet, a price list, 'measured: …') or starts with 'estimate:' and says why";

    /// <summary>The required <c>source</c> of a group of figures.</summary>
    protected string? Source(YMapping map, string owner) =>
        Required(map, "source", owner, SourceHint) is { } s ? Prose(s, "source", 1000) : null;

    protected ExecutionProvider? Provider(YNode node) =>
        OneOf(node, "execution provider", ExecutionProviders.Names) is { } index ? (ExecutionProvider)index : null;

    /// <summary>A group mapping, its unknown keys reported.</summary>
    protected YMapping? Group(YNode node, string name, IReadOnlyList<string> keys)
    {
        if (Mapping(node, $"a mapping with {string.Join(", ", keys)}") is not { } map)
            return null;
        CheckKeys(map, name, keys);
        return map;
    }

    /// <summary>A latency prior: <c>{ p50_ms, p99_ms, source }</c> with 0 &lt; p50 &lt;= p99.</summary>
    protected LatencyPrior? Latency(YNode node, string owner)
    {
        if (Group(node, owner, ProfileKeys.Latency) is not { } map)
            return null;
        var p50 = Required(map, "p50_ms", owner) is { } a ? Positive(a) : null;
        var p99Node = Required(map, "p99_ms", owner);
        var p99 = p99Node is null ? null : Positive(p99Node);
        var source = Source(map, owner);
        if (p50 is null || p99 is null || source is null)
            return null;
        if (p99 < p50)
        {
            Diagnostics.Add(p99Node!, $"p99_ms ({YamlWriter.Number(p99.Value)}) must be >= p50_ms ({YamlWriter.Number(p50.Value)})");
            return null;
        }
        return new LatencyPrior(p50.Value, p99.Value, source);
    }
}
