using System.Globalization;

namespace Mesh.Protocol.Policy;

// Typed readers: each returns null after reporting why the node is not what was expected. A YInvalid node was
// reported by the YAML reader already, so it yields null silently.
internal sealed partial class PolicyBuilder
{
    private YMapping? Mapping(YNode node, string expected)
    {
        if (node is YMapping map)
            return map;
        Report(node, expected);
        return null;
    }

    private YSequence? Sequence(YNode node, string expected)
    {
        if (node is YSequence seq)
            return seq;
        Report(node, expected);
        return null;
    }

    private string? Text(YNode node, string expected = "a string")
    {
        if (node is YScalar s && !PolicyValues.IsNull(s))
            return s.Value;
        Report(node, expected);
        return null;
    }

    /// <summary>A string that must satisfy <paramref name="valid"/>; <paramref name="rule"/> completes
    /// "'x' is not a valid …".</summary>
    private string? Name(YNode node, string what, Func<string, bool> valid, string rule)
    {
        if (Text(node, "a " + what) is not { } text)
            return null;
        if (valid(text))
            return text;
        _diagnostics.Add(node, $"'{PolicyValues.Shorten(text)}' is not a valid {what}: {rule}");
        return null;
    }

    private long? Integer(YNode node, long min, long max = long.MaxValue)
    {
        if (node is not YScalar s || !PolicyValues.IsInteger(s))
            return Wrong<long>(node, "an integer");
        if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            _diagnostics.Add(node, $"the integer {PolicyValues.Shorten(s.Value)} is out of range");
            return null;
        }
        if (value < min || value > max)
        {
            _diagnostics.Add(node, value < min ? $"expected an integer >= {min}, found {s.Value}" : $"expected an integer <= {max}, found {s.Value}");
            return null;
        }
        return value;
    }

    private double? Number(YNode node)
    {
        if (node is not YScalar s || !PolicyValues.IsNumber(s))
            return Wrong<double>(node, "a number");
        var value = PolicyValues.IsNonFinite(s) ? double.NaN : double.Parse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsFinite(value))
            return value;
        _diagnostics.Add(node, $"expected a finite number, found {s.Value}");
        return null;
    }

    /// <summary>A non-negative amount of money.</summary>
    private decimal? Amount(YNode node)
    {
        if (node is not YScalar s || !PolicyValues.IsNumber(s))
            return Wrong<decimal>(node, "an amount (a number >= 0)");
        if (PolicyValues.IsNonFinite(s) || !decimal.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            _diagnostics.Add(node, $"expected an amount (a finite number >= 0), found {s.Value}");
            return null;
        }
        if (value >= 0)
            return value;
        _diagnostics.Add(node, $"expected an amount >= 0, found {s.Value}");
        return null;
    }

    private bool? Boolean(YNode node)
    {
        if (node is YScalar s && PolicyValues.AsBoolean(s) is { } value)
            return value;
        return Wrong<bool>(node, "true or false");
    }

    /// <summary>A duration greater than zero.</summary>
    private TimeSpan? Duration(YNode node)
    {
        if (node is not YScalar s || PolicyValues.IsNull(s))
            return Wrong<TimeSpan>(node, $"a duration ({PolicyDuration.ExpectedForm})");
        if (!PolicyDuration.TryParse(s.Value, out var value, out var problem))
        {
            _diagnostics.Add(node, problem!);
            return null;
        }
        if (value > TimeSpan.Zero)
            return value;
        _diagnostics.Add(node, $"a duration must be greater than zero, found '{s.Value}'");
        return null;
    }

    /// <summary>One of <paramref name="words"/>; returns its index.</summary>
    private int? Word(YNode node, string what, IReadOnlyList<string> words)
    {
        if (Text(node, $"a {what} ({string.Join(", ", words)})") is not { } text)
            return null;
        for (var i = 0; i < words.Count; i++)
            if (words[i] == text)
                return i;
        _diagnostics.Add(node, $"unknown {what} '{PolicyValues.Shorten(text)}'; expected one of: {string.Join(", ", words)}");
        return null;
    }

    private T? Wrong<T>(YNode node, string expected)
        where T : struct
    {
        Report(node, expected);
        return null;
    }

    private void Report(YNode node, string expected)
    {
        if (node is not YInvalid)
            _diagnostics.Add(node, $"expected {expected}, found {PolicyValues.Describe(node)}");
    }
}
