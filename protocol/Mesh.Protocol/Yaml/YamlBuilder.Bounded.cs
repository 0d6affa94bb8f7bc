namespace Mesh.Protocol.Yaml;

// Readers with the bounds that every external input needs: strings that say something and are not huge,
// numbers in range, collections of bounded size.
internal abstract partial class YamlBuilder
{
    /// <summary>Free text: not blank, at most <paramref name="maxLength"/> characters, no control characters other
    /// than tab.</summary>
    protected string? Prose(YNode node, string what, int maxLength)
    {
        if (Text(node, $"a {what} (text)") is not { } text)
            return null;
        if (string.IsNullOrWhiteSpace(text))
            Diagnostics.Add(node, $"the {what} must not be empty");
        else if (text.Length > maxLength)
            Diagnostics.Add(node, $"the {what} is {text.Length} characters long; at most {maxLength} are allowed");
        else if (text.Any(c => char.IsControl(c) && c != '\t'))
            Diagnostics.Add(node, $"the {what} must be one line without control characters");
        else
            return text;
        return null;
    }

    /// <summary>A finite number &gt;= <paramref name="min"/>.</summary>
    protected double? AtLeast(YNode node, double min)
    {
        if (Number(node) is not { } value)
            return null;
        if (value >= min)
            return value;
        Diagnostics.Add(node, $"expected a number >= {YamlWriter.Number(min)}, found {YamlWriter.Number(value)}");
        return null;
    }

    /// <summary>A finite number &gt; 0.</summary>
    protected double? Positive(YNode node)
    {
        if (Number(node) is not { } value)
            return null;
        if (value > 0)
            return value;
        Diagnostics.Add(node, $"expected a number > 0, found {YamlWriter.Number(value)}");
        return null;
    }

    /// <summary>A sequence of at most <paramref name="max"/> items.</summary>
    protected YSequence? Sequence(YNode node, string expected, int max)
    {
        if (Sequence(node, expected) is not { } seq)
            return null;
        if (seq.Items.Count <= max)
            return seq;
        Diagnostics.Add(seq, $"the list has {seq.Items.Count} items; at most {max} are allowed");
        return null;
    }

    /// <summary>A mapping of at most <paramref name="max"/> entries.</summary>
    protected YMapping? Mapping(YNode node, string expected, int max)
    {
        if (Mapping(node, expected) is not { } map)
            return null;
        if (map.Entries.Count <= max)
            return map;
        Diagnostics.Add(map, $"the mapping has {map.Entries.Count} entries; at most {max} are allowed");
        return null;
    }

    /// <summary>One of <paramref name="words"/> (its index), spelt exactly; a near miss gets a "did you mean".</summary>
    protected int? OneOf(YNode node, string what, IReadOnlyList<string> words)
    {
        if (Text(node, $"a {what} ({string.Join(", ", words)})") is not { } text)
            return null;
        for (var i = 0; i < words.Count; i++)
            if (words[i] == text)
                return i;
        var message = $"unknown {what} '{YamlValues.Shorten(text)}'; expected one of: {string.Join(", ", words)}";
        var suggestion = words.FirstOrDefault(w => string.Equals(w, text, StringComparison.OrdinalIgnoreCase))
            ?? KeySuggestion.Closest(text, words);
        Diagnostics.Add(node, suggestion is null ? message : $"{message} (did you mean '{suggestion}'?)");
        return null;
    }
}
