using Mesh.Protocol.Policy;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Models;

// The parts of a reading model: how a reading becomes its one input row (features), which output is the score,
// and the deterministic skill that stands in for it.
internal sealed partial class ManifestBuilder
{
    private const int MaxFeatures = 1024;
    private const string MetricRule = "1-64 characters of A-Z a-z 0-9 _ . - (as telemetry metrics and policy conditions)";

    private sealed record ReadingParts(IReadOnlyList<FeatureSpec> Features, ScoreSpec? Score, DeterministicFallback? Fallback);

    private ReadingParts? Reading(YMapping map, IReadOnlyList<TensorSpec>? inputs, IReadOnlyList<TensorSpec>? outputs)
    {
        var featuresKey = map.Key("features");
        var features = featuresKey is null ? [] : Features(map.Get("features")!);
        var score = map.Get("score") is { } s ? Score(s, outputs) : null;
        DeterministicFallback? fallback = null;
        if (map.Get("fallback") is { } f)
        {
            if (featuresKey is null)
                Diagnostics.Add(map.Key("fallback")!, "a fallback stands in for a reading model: it needs features");
            else if (features is not null)
                fallback = Fallback(f, features);
        }
        if (featuresKey is not null && features is not null)
        {
            if (map.Get("score") is null)
                Diagnostics.Add(featuresKey, "a model with features needs score: { output, name } (which output is the anomaly probability)");
            if (inputs is not null)
                CheckInputRow(featuresKey, features, inputs);
        }
        return features is null ? null : new ReadingParts(features, score, fallback);
    }

    /// <summary>Features describe the model's one input row: exactly one float32 input of shape [-1, N].</summary>
    private void CheckInputRow(YScalar featuresKey, IReadOnlyList<FeatureSpec> features, IReadOnlyList<TensorSpec> inputs)
    {
        var n = features.Count;
        if (inputs is [{ Element: TensorElement.Float32, Shape: [-1, var width] }] && width == n)
            return;
        var found = inputs.Count == 1 ? inputs[0].ToString() : $"{inputs.Count} inputs";
        Diagnostics.Add(featuresKey, $"features lists {n} column{(n == 1 ? "" : "s")}, so the model needs exactly one float32 input of shape [-1, {n}]; found {found}");
    }

    private IReadOnlyList<FeatureSpec>? Features(YNode node)
    {
        if (Sequence(node, "a list of features, e.g. - metric: temperature", MaxFeatures) is not { } seq)
            return null;
        if (seq.Items.Count == 0)
        {
            Diagnostics.Add(seq, "features needs at least one entry; leave the key out for a model that does not read sensor readings");
            return null;
        }
        var features = new List<FeatureSpec>();
        foreach (var item in seq.Items)
        {
            if (Feature(item) is not { } feature)
                continue;
            if (features.Contains(feature))
                Diagnostics.Add(item, $"feature {feature} is listed twice");
            else
                features.Add(feature);
        }
        return features.Count == seq.Items.Count ? features : null;
    }

    private FeatureSpec? Feature(YNode node)
    {
        if (Group(node, "feature", ManifestKeys.Feature) is not { } map)
            return null;
        var known = map.Entries.Where(e => ManifestKeys.Feature.Contains(e.Key.Value)).ToList();
        if (known.Count != 1)
        {
            if (known.Count > 1 || map.Entries.Count == 0)
                Diagnostics.Add(known.Count > 1 ? known[1].Key : map, "a feature has exactly one key: metric or time");
            return null;
        }
        var (key, value) = known[0];
        if (key.Value == "metric")
            return Name(value, "metric name", PolicyNames.IsValidName, MetricRule) is { } metric ? FeatureSpec.OfMetric(metric) : null;
        return OneOf(value, "time feature", ManifestNames.TimeFeatures) is { } time ? FeatureSpec.OfTime((TimeFeature)time) : null;
    }

    private ScoreSpec? Score(YNode node, IReadOnlyList<TensorSpec>? outputs)
    {
        if (Group(node, "score", ManifestKeys.Score) is not { } map)
            return null;
        var outputNode = Required(map, "output", "score");
        var output = outputNode is null ? null : Prose(outputNode, "output name", 256);
        if (output is not null && outputs is not null && outputs.All(o => o.Name != output))
        {
            Diagnostics.Add(outputNode!, $"score.output '{YamlValues.Shorten(output)}' is not a declared output; outputs are: {string.Join(", ", outputs.Select(o => o.Name))}");
            output = null;
        }
        var name = Required(map, "name", "score") is { } n ? Name(n, "score name", PolicyNames.IsValidName, MetricRule) : null;
        return output is null || name is null ? null : new ScoreSpec(output, name);
    }

    private DeterministicFallback? Fallback(YNode node, IReadOnlyList<FeatureSpec> features)
    {
        if (Group(node, "fallback", ManifestKeys.Fallback) is not { } map)
            return null;
        var skill = Required(map, "skill", "fallback") is { } s ? OneOf(s, "fallback skill", ManifestNames.FallbackSkills) : null;
        var confidenceNode = Required(map, "confidence", "fallback");
        var confidence = confidenceNode is null ? null : Positive(confidenceNode);
        if (confidence > 1)
        {
            Diagnostics.Add(confidenceNode!, $"confidence must be in (0, 1], found {YamlWriter.Number(confidence.Value)}");
            confidence = null;
        }
        var bands = Required(map, "bands", "fallback") is { } b ? Bands(b, features) : null;
        return skill is null || confidence is null || bands is null
            ? null
            : new DeterministicFallback(ManifestNames.FallbackSkills[skill.Value], confidence.Value, bands);
    }

    private Dictionary<string, MetricBand>? Bands(YNode node, IReadOnlyList<FeatureSpec> features)
    {
        if (Mapping(node, "a mapping of metric to [low, high], e.g. { temperature: [10, 33] }", MaxFeatures) is not { } map)
            return null;
        if (map.Entries.Count == 0)
        {
            Diagnostics.Add(map, "bands needs at least one metric");
            return null;
        }
        var bands = new Dictionary<string, MetricBand>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            var metric = key.Value;
            var known = features.Any(f => f.Metric == metric);
            if (!known)
                Diagnostics.Add(key, $"band for '{YamlValues.Shorten(metric)}', which is not a feature metric; metrics are: {string.Join(", ", features.Where(f => f.Metric is not null).Select(f => f.Metric))}");
            if (Band(value) is { } band && known)
                bands.Add(metric, band);
        }
        return bands.Count == map.Entries.Count ? bands : null;
    }

    private MetricBand? Band(YNode node)
    {
        if (Sequence(node, "a band [low, high]") is not { } seq)
            return null;
        if (seq.Items.Count != 2)
        {
            Diagnostics.Add(seq, $"a band is [low, high], two numbers; found {seq.Items.Count}");
            return null;
        }
        var low = Number(seq.Items[0]);
        var high = Number(seq.Items[1]);
        if (low is null || high is null)
            return null;
        if (low < high)
            return new MetricBand(low.Value, high.Value);
        Diagnostics.Add(seq.Items[1], $"a band's high ({YamlWriter.Number(high.Value)}) must be greater than its low ({YamlWriter.Number(low.Value)})");
        return null;
    }
}
