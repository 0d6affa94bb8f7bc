using System.Globalization;

namespace Mesh.Protocol.Yaml;

// Typed readers: each returns null after reporting why the node is not what was expected. A YInvalid node was
// reported by the YAML reader already, so it yields null silently.
internal abstract partial class YamlBuilder
{
    protected YMapping? Mapping(YNode node, string expected)
    {
        if (node is YMapping map)
            return map;
        Report(node, expected);
        return null;
    }

    protected YSequence? Sequence(YNode node, string expected)
    {
        if (node is YSequence seq)
            return seq;
        Report(node, expected);
        return null;
    }

    protected string? Text(YNode node, string expected = "a string")
    {
        if (node is YScalar s && !YamlValues.IsNull(s))
            return s.Value;
        Report(node, expected);
        return null;
    }

    /// <summary>A string that must satisfy <paramref name="valid"/>; <paramref name="rule"/> completes
    /// "'x' is not a valid …".</summary>
    protected string? Name(YNode node, string what, Func<string, bool> valid, string rule)
    {
        if (Text(node, "a " + what) is not { } text)
            return null;
        if (valid(text))
            return text;
        Diagnostics.Add(node, $"'{YamlValues.Shorten(text)}' is not a valid {what}: {rule}");
        return null;
    }

    protected long? Integer(YNode node, long min, long max = long.MaxValue)
    {
        if (node is not YScalar s || !YamlValues.IsInteger(s))
            return Wrong<long>(node, "an integer");
        if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Diagnostics.Add(node, $"the integer {YamlValues.Shorten(s.Value)} is out of range");
            return null;
        }
        if (value < min || value > max)
        {
            Diagnostics.Add(node, value < min ? $"expected an integer >= {min}, found {s.Value}" : $"expected an integer <= {max}, found {s.Value}");
            return null;
        }
        return value;
    }

    protected double? Number(YNode node)
    {
        if (node is not YScalar s || !YamlValues.IsNumber(s))
            return Wrong<double>(node, "a number");
        var value = YamlValues.IsNonFinite(s) ? double.NaN : double.Parse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsFinite(value))
            return value;
        Diagnostics.Add(node, $"expected a finite number, found {s.Value}");
        return null;
    }

    protected bool? Boolean(YNode node)
    {
        if (node is YScalar s && YamlValues.AsBoolean(s) is { } value)
            return value;
        return Wrong<bool>(node, "true or false");
    }

    /// <summary>One of <paramref name="words"/>; returns its index.</summary>
    protected int? Word(YNode node, string what, IReadOnlyList<string> words)
    {
        if (Text(node, $"a {what} ({string.Join(", ", words)})") is not { } text)
            return null;
        for (var i = 0; i < words.Count; i++)
            if (words[i] == text)
                return i;
        Diagnostics.Add(node, $"unknown {what} '{YamlValues.Shorten(text)}'; expected one of: {string.Join(", ", words)}");
        return null;
    }

    protected T? Wrong<T>(YNode node, string expected)
        where T : struct
    {
        Report(node, expected);
        return null;
    }

    protected void Report(YNode node, string expected)
    {
        if (node is not YInvalid)
            Diagnostics.Add(node, $"expected {expected}, found {YamlValues.Describe(node)}");
    }
}
