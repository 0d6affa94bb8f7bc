using Mesh.Protocol.Models;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

internal sealed partial class ProfileBuilder
{
    /// <summary>The execution providers: known, unique, CPU last, each backed by an accelerator it can use. The
    /// accelerator checks are skipped when the accelerators themselves are invalid (already reported).</summary>
    private IReadOnlyList<ExecutionProvider>? Providers(YNode node, IReadOnlyList<AcceleratorSpec>? accelerators)
    {
        if (Sequence(node, "a list of execution providers, best first and CPU last, e.g. [CUDA, CPU]") is not { } seq)
            return null;
        var providers = new List<ExecutionProvider>();
        YNode? cpu = null;
        var ok = true;
        foreach (var item in seq.Items)
        {
            if (Provider(item) is not { } provider)
            {
                ok = false;
                continue;
            }
            if (providers.Contains(provider))
            {
                Diagnostics.Add(item, $"execution provider {ExecutionProviders.Name(provider)} is listed twice");
                ok = false;
                continue;
            }
            providers.Add(provider);
            if (provider == ExecutionProvider.Cpu)
                cpu = item;
            ok &= Backed(item, provider, accelerators);
        }
        if (cpu is null)
        {
            if (ok)
                Diagnostics.Add(seq, "execution_providers must list CPU, last: it is the fallback when another provider fails to load");
            return null;
        }
        if (providers[^1] != ExecutionProvider.Cpu)
        {
            Diagnostics.Add(cpu, $"CPU must be listed last (it is the fallback), but {ExecutionProviders.Name(providers[^1])} follows it");
            return null;
        }
        return ok ? providers : null;
    }

    private bool Backed(YNode item, ExecutionProvider provider, IReadOnlyList<AcceleratorSpec>? accelerators)
    {
        var kinds = ExecutionProviders.RequiredAccelerators(provider);
        if (kinds.Count == 0 || accelerators is null || accelerators.Any(a => kinds.Contains(a.Kind)))
            return true;
        var needs = string.Join(" or ", kinds.Select(ProfileNames.Of));
        Diagnostics.Add(item, $"the {ExecutionProviders.Name(provider)} execution provider needs an accelerator of kind {needs}, and accelerators lists none");
        return false;
    }

    /// <summary>Latency priors per model and provider; a provider must be one of the profile's (checked only when
    /// those are valid).</summary>
    private IReadOnlyDictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>>? Models(
        YNode node, IReadOnlyList<ExecutionProvider>? providers)
    {
        if (Mapping(node, "a mapping of model name to latency priors per execution provider ({} for none)", MaxModels) is not { } map)
            return null;
        var models = new Dictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            var name = Name(key, "model name", ManifestNames.IsValidName, ManifestNames.NameRule);
            if (ModelPriors(value, key.Value, providers) is { } priors && name is not null)
                models.Add(name, priors);
        }
        return models.Count == map.Entries.Count ? models : null;
    }

    private Dictionary<ExecutionProvider, LatencyPrior>? ModelPriors(YNode node, string model, IReadOnlyList<ExecutionProvider>? providers)
    {
        var what = $"a mapping of execution provider to latency prior, e.g. CPU: {{ p50_ms: 1, p99_ms: 5, source: \"estimate: …\" }}";
        if (Mapping(node, what) is not { } map)
            return null;
        if (map.Entries.Count == 0)
        {
            Diagnostics.Add(map, $"model '{YamlValues.Shorten(model)}' needs a latency prior for at least one execution provider");
            return null;
        }
        var priors = new Dictionary<ExecutionProvider, LatencyPrior>();
        foreach (var (key, value) in map.Entries)
        {
            var provider = Provider(key);
            if (provider is { } p && providers is not null && !providers.Contains(p))
            {
                Diagnostics.Add(key, $"model '{YamlValues.Shorten(model)}' has a prior for {key.Value}, which is not in execution_providers "
                    + $"[{string.Join(", ", providers.Select(ExecutionProviders.Name))}]");
                provider = null;
            }
            var prior = Latency(value, $"the latency prior of '{YamlValues.Shorten(model)}' on {key.Value}");
            if (provider is { } ok && prior is not null)
                priors.Add(ok, prior);
        }
        return priors.Count == map.Entries.Count ? priors : null;
    }
}
