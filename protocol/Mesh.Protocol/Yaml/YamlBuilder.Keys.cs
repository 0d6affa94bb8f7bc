namespace Mesh.Protocol.Yaml;

internal abstract partial class YamlBuilder
{
    /// <summary>Reports every key of <paramref name="map"/> not in <paramref name="known"/>; returns how many.</summary>
    protected int CheckKeys(YMapping map, string context, IReadOnlyList<string> known)
    {
        var unknown = 0;
        foreach (var (key, _) in map.Entries)
        {
            if (known.Contains(key.Value))
                continue;
            unknown++;
            var message = $"unknown key '{YamlValues.Shorten(key.Value)}' in {context}; expected one of: {string.Join(", ", known)}";
            if (KeySuggestion.Closest(key.Value, known) is { } suggestion)
                message += $" (did you mean '{suggestion}'?)";
            Diagnostics.Add(key, message);
        }
        return unknown;
    }

    /// <summary>The value of a required key, or null after reporting it missing (at the mapping). When the mapping
    /// holds a misspelling of the key, the unknown-key error already says so: no second error. A
    /// <paramref name="hint"/> is appended to the message (why the key is required, what to write).</summary>
    protected YNode? Required(YMapping map, string key, string owner, string? hint = null)
    {
        var value = map.Get(key);
        if (value is null && !map.Entries.Any(e => KeySuggestion.Closest(e.Key.Value, [key]) == key))
            Diagnostics.Add(map, $"missing required key '{key}' in {owner}" + (hint is null ? "" : "; " + hint));
        return value;
    }
}
