using System.Globalization;

namespace Mesh.Testing;

/// <summary>One sample of a Prometheus text exposition: <c>name{label="value",…} number</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads the Prometheus text format (what <c>/metrics</c> answers), so a test can look a metric up by name and labels.</summary>
public static class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            string name;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                    labels[pair.Key] = pair.Value;
            }
            else
            {
                name = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            }
            // A sample may end with a timestamp after its value: take the first number after the name and labels.
            var rest = line[(brace >= 0 ? line.LastIndexOf('}') + 1 : name.Length)..].Trim().Split(' ')[0];
            samples.Add(new PrometheusSample(name, labels, rest switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(rest, CultureInfo.InvariantCulture),
            }));
        }
        return samples;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/>
    /// (0 when there is none: a counter not yet incremented is not exported).</summary>
    public static double Sum(IReadOnlyList<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    private static IEnumerable<KeyValuePair<string, string>> SplitLabels(string body)
    {
        var i = 0;
        while (i < body.Length)
        {
            var eq = body.IndexOf('=', i);
            var key = body[i..eq].Trim().TrimStart(',').Trim();
            var j = eq + 2;
            var value = new System.Text.StringBuilder();
            while (j < body.Length && body[j] != '"')
            {
                if (body[j] == '\\' && j + 1 < body.Length)
                    j++;
                value.Append(body[j]);
                j++;
            }
            yield return new(key, value.ToString());
            i = j + 1;
        }
    }
}
