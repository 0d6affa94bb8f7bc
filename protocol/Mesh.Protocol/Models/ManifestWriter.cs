using System.Text;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Models;

/// <summary>Renders a <see cref="ModelManifest"/> in the documented layout; optional parts are written only when they
/// differ from their default.</summary>
internal static class ManifestWriter
{
    public static string Write(ModelManifest m)
    {
        var y = new StringBuilder();
        y.Append("name: ").AppendLine(Q(m.Name));
        y.Append("version: ").AppendLine(Q(m.Version));
        y.Append("description: ").AppendLine(Q(m.Description));
        y.Append("file: ").AppendLine(Q(m.File));
        y.Append("sha256: ").AppendLine(Q(m.Sha256));
        y.Append("source: ").AppendLine(Q(m.Source));
        y.Append("license: ").AppendLine(Q(m.License));
        Tensors(y, "inputs", m.Inputs);
        Tensors(y, "outputs", m.Outputs);
        y.Append("preferred_providers: [").Append(string.Join(", ", m.PreferredProviders)).AppendLine("]");
        if (m.LatencyPriors.Count > 0)
            y.AppendLine("latency_priors:");
        foreach (var (provider, prior) in m.LatencyPriors)
        {
            y.Append("  ").Append(provider).Append(": { p50_ms: ").Append(YamlWriter.Number(prior.P50Ms))
                .Append(", p99_ms: ").Append(YamlWriter.Number(prior.P99Ms)).Append(", source: ").Append(Q(prior.Source)).AppendLine(" }");
        }
        Reading(y, m);
        if (m.Fetch is { } fetch)
            y.Append("fetch: { npm: ").Append(Q(fetch.NpmPackage)).Append(", path: ").Append(Q(fetch.PathInPackage)).AppendLine(" }");
        return y.ToString();
    }

    private static void Tensors(StringBuilder y, string key, IReadOnlyList<TensorSpec> tensors)
    {
        y.Append(key).AppendLine(":");
        foreach (var t in tensors)
        {
            y.Append("  - { name: ").Append(Q(t.Name)).Append(", type: ").Append(ManifestNames.Of(t.Element))
                .Append(", shape: [").Append(string.Join(", ", t.Shape.Select(YamlWriter.Integer))).AppendLine("] }");
        }
    }

    private static void Reading(StringBuilder y, ModelManifest m)
    {
        if (m.Features.Count > 0)
            y.AppendLine("features:");
        foreach (var f in m.Features)
        {
            if (f.Metric is { } metric)
                y.Append("  - metric: ").AppendLine(Q(metric));
            else
                y.Append("  - time: ").AppendLine(ManifestNames.Of(f.Time!.Value));
        }
        if (m.Score is { } score)
            y.Append("score: { output: ").Append(Q(score.Output)).Append(", name: ").Append(Q(score.Name)).AppendLine(" }");
        if (m.Fallback is not { } fallback)
            return;
        y.AppendLine("fallback:");
        y.Append("  skill: ").AppendLine(fallback.Skill);
        y.Append("  confidence: ").AppendLine(YamlWriter.Number(fallback.Confidence));
        y.AppendLine("  bands:");
        foreach (var (metric, band) in fallback.Bands)
            y.Append("    ").Append(YamlWriter.Key(metric)).Append(": [").Append(YamlWriter.Number(band.Low)).Append(", ").Append(YamlWriter.Number(band.High)).AppendLine("]");
    }

    private static string Q(string value) => YamlWriter.Quote(value);
}
