namespace Mesh.Protocol.Yaml;

// A minimal YAML tree built from parser events, so that every value keeps its 1-based position and the
// loader alone decides what a scalar means (YAML 1.2 core schema for plain scalars; quoted = string).

/// <summary>A 1-based position in the text.</summary>
internal readonly record struct TextPosition(int Line, int Column)
{
    public static readonly TextPosition Start = new(1, 1);

    public override string ToString() => $"{Line}:{Column}";
}

internal abstract record YNode(TextPosition At);

/// <summary>A scalar; <see cref="Plain"/> is false for quoted and block scalars, which are always strings.</summary>
internal sealed record YScalar(TextPosition At, string Value, bool Plain) : YNode(At);

internal sealed record YSequence(TextPosition At, IReadOnlyList<YNode> Items) : YNode(At);

/// <summary>A mapping whose keys are scalars, in file order and unique (the reader reports duplicates).</summary>
internal sealed record YMapping(TextPosition At, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(At)
{
    public YNode? Get(string key)
    {
        foreach (var (k, v) in Entries)
            if (k.Value == key)
                return v;
        return null;
    }

    public YScalar? Key(string key)
    {
        foreach (var (k, _) in Entries)
            if (k.Value == key)
                return k;
        return null;
    }
}

/// <summary>Something the reader already reported (an alias, a tag): consumers skip it without a second error.</summary>
internal sealed record YInvalid(TextPosition At) : YNode(At);
