using Mesh.Protocol.Profiles;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Models;

/// <summary>
/// Builds a <see cref="ModelManifest"/> from a YAML tree, reporting every problem it finds: unknown and missing keys,
/// wrong types, bad names, duplicate tensors, and the cross-checks of a reading model (features ↔ its one input,
/// score ↔ outputs, fallback bands ↔ feature metrics).
/// </summary>
internal sealed partial class ManifestBuilder : FigureBuilder
{
    private const string Owner = "the manifest";

    private ManifestBuilder(YamlDiagnostics diagnostics)
        : base(diagnostics)
    {
    }

    /// <summary>The manifest, or null when any error was reported (including earlier ones).</summary>
    public static ModelManifest? Build(YNode root, YamlDiagnostics diagnostics) => new ManifestBuilder(diagnostics).Manifest(root);

    private ModelManifest? Manifest(YNode root)
    {
        if (Mapping(root, "a model manifest mapping with " + string.Join(", ", ManifestKeys.Required)) is not { } map)
            return null;
        CheckKeys(map, Owner, ManifestKeys.Manifest);
        var name = Required(map, "name", Owner) is { } n ? Name(n, "model name", ManifestNames.IsValidName, ManifestNames.NameRule) : null;
        var version = Required(map, "version", Owner) is { } v
            ? Name(v, "version", ManifestNames.IsValidVersion, "a semantic version MAJOR.MINOR.PATCH, e.g. 1.0.0")
            : null;
        var description = Required(map, "description", Owner) is { } d ? Prose(d, "description", 500) : null;
        var file = Required(map, "file", Owner) is { } f
            ? Name(f, "model file name", ManifestNames.IsValidFileName, "a file name in the manifest's folder, without '/', '\\' or '..'")
            : null;
        var sha256 = Required(map, "sha256", Owner) is { } h ? Name(h, "SHA-256", ManifestNames.IsValidSha256, "64 lower-case hex characters") : null;
        var source = Required(map, "source", Owner) is { } s ? Prose(s, "source", 1000) : null;
        var license = Required(map, "license", Owner) is { } li ? Prose(li, "license", 500) : null;
        var names = new Dictionary<string, TextPosition>(StringComparer.Ordinal);
        var inputs = Required(map, "inputs", Owner) is { } i ? Tensors(i, "input", names) : null;
        var outputs = Required(map, "outputs", Owner) is { } o ? Tensors(o, "output", names) : null;
        var providers = map.Get("preferred_providers") is { } p ? PreferredProviders(p) : [ExecutionProviders.Name(ExecutionProvider.Cpu)];
        var priors = map.Get("latency_priors") is { } lp ? LatencyPriors(lp) : new Dictionary<string, ManifestLatency>();
        var reading = Reading(map, inputs, outputs);
        var fetch = map.Get("fetch") is { } fe ? Fetch(fe) : null;

        if (Diagnostics.Count > 0 || name is null || version is null || description is null || file is null || sha256 is null
            || source is null || license is null || inputs is null || outputs is null || providers is null || priors is null
            || reading is null)
            return null;
        return new ModelManifest(
            name, version, description, file, sha256, inputs, outputs, providers, priors,
            reading.Features, reading.Score, reading.Fallback, fetch, source, license);
    }

    private IReadOnlyList<string>? PreferredProviders(YNode node)
    {
        if (Sequence(node, "a list of execution providers, best first, e.g. [CUDA, CPU]") is not { } seq)
            return null;
        if (seq.Items.Count == 0)
        {
            Diagnostics.Add(seq, "preferred_providers needs at least one provider; leave the key out for the default [CPU]");
            return null;
        }
        var providers = new List<string>();
        foreach (var item in seq.Items)
        {
            if (Provider(item) is not { } provider)
                continue;
            var name = ExecutionProviders.Name(provider);
            if (providers.Contains(name))
                Diagnostics.Add(item, $"execution provider {name} is listed twice");
            else
                providers.Add(name);
        }
        return providers.Count == seq.Items.Count ? providers : null;
    }

    private Dictionary<string, ManifestLatency>? LatencyPriors(YNode node)
    {
        if (Mapping(node, "a mapping of execution provider to latency prior, e.g. CPU: { p50_ms: 1, p99_ms: 5, source: \"estimate: …\" }") is not { } map)
            return null;
        var priors = new Dictionary<string, ManifestLatency>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            var provider = Provider(key);
            var prior = Latency(value, $"the latency prior on {YamlValues.Shorten(key.Value)}");
            if (provider is { } p && prior is not null)
                priors.Add(ExecutionProviders.Name(p), new ManifestLatency(prior.P50Ms, prior.P99Ms, prior.Source));
        }
        return priors.Count == map.Entries.Count ? priors : null;
    }

    private FetchSpec? Fetch(YNode node)
    {
        if (Group(node, "fetch", ManifestKeys.Fetch) is not { } map)
            return null;
        var npm = Required(map, "npm", "fetch") is { } n
            ? Name(n, "npm package", ManifestNames.IsValidNpmPackage, "an exact package and version, e.g. @scope/name@1.2.3")
            : null;
        var path = Required(map, "path", "fetch") is { } p
            ? Name(p, "path in the package", ManifestNames.IsValidPackagePath, "a relative path such as dist/model.onnx, without '..', '.' or empty segments")
            : null;
        return npm is null || path is null ? null : new FetchSpec(npm, path);
    }
}
