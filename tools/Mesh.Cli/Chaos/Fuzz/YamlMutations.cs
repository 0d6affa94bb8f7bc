using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// Edits of a valid YAML file at three levels — characters, lines (dropped, doubled, swapped, re-indented, spliced from
/// another seed), and values and keys (replaced by YAML's awkward scalars, keys from the format, misspellings) — plus
/// structured garbage: random nested YAML, nesting past the depth limit, anchors and aliases, oversized files.
/// </summary>
internal static partial class YamlMutations
{
    private const string Noise = ":-[]{}#&*!|>'\"\t\n ,?%@`~0.9e\r";

    private static readonly string[] Scalars =
    [
        "~", "null", "true", "no", "on", "0", "-0", "-1", "1e999", "-1e999", ".inf", "-.inf", ".nan", "0x1F", "0o17", "99999999999999999999",
        "1.7976931348623157e309", "4.9e-325", "''", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\x\"", "!!binary aGk=", "!custom x", "&a x", "*a",
        "|\n  block", ">-\n  folded", "[", "]", "{", "}", "[a, [b, {c: d}]]", "{a: 1, a: 2}", "? complex", "- item", "0s", "-5m", "1e3h", "P1D",
        "15", "15m", "1h30m", "25h", "0.5s", "999999999d", "EUR", "eur", "€", "require_approval", "allow", "deny", "gt", "cooling-on", "*",
        "x86_64", "arm64", "cuda", "CPU", "\"2026-11-24\"", "2026-11-24", "'unterminated", "\"unterminated", "# comment", "key: value",
        new string('a', 300), "\t", "\u00a0", "\u2028", "\uFEFF", "\ud800", "\0",
    ];

    public static string Mutate(string text, IReadOnlyList<string> keys, IReadOnlyList<string> others, Random r)
    {
        var edits = 1 + r.Next(3);
        for (var e = 0; e < edits; e++)
        {
            text = r.Next(10) switch
            {
                0 or 1 => ReplaceValue(text, r),
                2 => ReplaceKey(text, keys, r),
                3 or 4 => LineEdit(text, others, r),
                5 => Reindent(text, r),
                _ => CharEdit(text, r),
            };
        }
        return r.Next(20) switch
        {
            0 => text.Replace("\n", "\r\n"),
            1 => "\uFEFF" + text,
            2 => text + "\n---\n" + text,
            3 => text[..r.Next(text.Length + 1)],
            _ => text,
        };
    }

    /// <summary>Random YAML of mappings, sequences and scalars, using the format's own keys so that some of it gets far into validation.</summary>
    public static string Garbage(IReadOnlyList<string> keys, Random r) => r.Next(8) switch
    {
        0 => string.Concat(Enumerable.Repeat("[", r.Next(50, 120))) + "x" + string.Concat(Enumerable.Repeat("]", r.Next(0, 120))),
        1 => Deep(r),
        2 => Aliases(r),
        3 => new string('#', 1) + new string('x', r.Next(40_000, 70_000)),
        _ => Tree(keys, r, 0, "").ToString(),
    };

    private static StringBuilder Tree(IReadOnlyList<string> keys, Random r, int depth, string indent)
    {
        var sb = new StringBuilder();
        var entries = r.Next(1, 6);
        var asList = depth > 0 && r.Next(3) == 0;
        for (var i = 0; i < entries; i++)
        {
            var key = r.Next(6) == 0 ? Scalars[r.Next(Scalars.Length)] : keys[r.Next(keys.Count)];
            sb.Append(indent).Append(asList ? "- " : "").Append(key).Append(':');
            if (depth < 5 && r.Next(3) == 0)
                sb.Append('\n').Append(Tree(keys, r, depth + 1, indent + "  "));
            else
                sb.Append(' ').Append(Scalars[r.Next(Scalars.Length)].Replace("\n", "\n" + indent + "  ")).Append('\n');
        }
        return sb;
    }

    private static string Deep(Random r)
    {
        var sb = new StringBuilder();
        var levels = r.Next(50, 90);
        for (var i = 0; i < levels; i++)
            sb.Append(new string(' ', i)).Append("a:\n");
        sb.Append(new string(' ', levels)).Append("b: 1\n");
        return sb.ToString();
    }

    private static string Aliases(Random r)
    {
        var sb = new StringBuilder("a0: &a0 [x, x, x, x]\n");
        var levels = r.Next(2, 12);
        for (var i = 1; i < levels; i++)
            sb.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        sb.Append("site: &s x\nversion: *s\n<<: *a0\n");
        return sb.ToString();
    }

    private static string ReplaceValue(string text, Random r)
    {
        var matches = KeyValue().Matches(text);
        if (matches.Count == 0)
            return CharEdit(text, r);
        var m = matches[r.Next(matches.Count)];
        var value = m.Groups["value"];
        return string.Concat(text.AsSpan(0, value.Index), Scalars[r.Next(Scalars.Length)], text.AsSpan(value.Index + value.Length));
    }

    private static string ReplaceKey(string text, IReadOnlyList<string> keys, Random r)
    {
        var matches = KeyValue().Matches(text);
        if (matches.Count == 0 || keys.Count == 0)
            return CharEdit(text, r);
        var key = matches[r.Next(matches.Count)].Groups["key"];
        var replacement = keys[r.Next(keys.Count)];
        if (r.Next(3) == 0 && replacement.Length > 1)
            replacement = replacement.Remove(r.Next(replacement.Length), 1);
        return string.Concat(text.AsSpan(0, key.Index), replacement, text.AsSpan(key.Index + key.Length));
    }

    private static string LineEdit(string text, IReadOnlyList<string> others, Random r)
    {
        var lines = text.Split('\n').ToList();
        var at = r.Next(lines.Count);
        switch (r.Next(4))
        {
            case 0: lines.RemoveAt(at); break;
            case 1: lines.Insert(at, lines[r.Next(lines.Count)]); break;
            case 2:
                var other = r.Next(lines.Count);
                (lines[at], lines[other]) = (lines[other], lines[at]);
                break;
            default:
                var donor = others[r.Next(others.Count)].Split('\n');
                lines.Insert(at, donor[r.Next(donor.Length)]);
                break;
        }
        return string.Join('\n', lines);
    }

    private static string Reindent(string text, Random r)
    {
        var lines = text.Split('\n');
        var at = r.Next(lines.Length);
        lines[at] = r.Next(3) switch
        {
            0 => new string(' ', r.Next(1, 5)) + lines[at],
            1 => lines[at].TrimStart(),
            _ => "\t" + lines[at],
        };
        return string.Join('\n', lines);
    }

    private static string CharEdit(string text, Random r)
    {
        if (text.Length == 0)
            return Noise[r.Next(Noise.Length)].ToString();
        var at = r.Next(text.Length);
        return r.Next(4) switch
        {
            0 => text.Remove(at, Math.Min(r.Next(1, 8), text.Length - at)),
            1 => text.Insert(at, Noise[r.Next(Noise.Length)].ToString()),
            2 => string.Concat(text.AsSpan(0, at), Noise[r.Next(Noise.Length)].ToString(), text.AsSpan(at + 1)),
            _ => Duplicate(text, at, r),
        };
    }

    private static string Duplicate(string text, int at, Random r)
    {
        var from = r.Next(text.Length);
        return text.Insert(at, text.Substring(from, Math.Min(r.Next(1, 30), text.Length - from)));
    }

    /// <summary>Every key the seed files use, for key swaps and generated trees.</summary>
    public static IReadOnlyList<string> KeysOf(IEnumerable<string> texts) =>
        [.. texts.SelectMany(t => KeyValue().Matches(t)).Select(m => m.Groups["key"].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"(?m)^[ \t]*(?:- )?(?<key>[A-Za-z_][A-Za-z0-9_.-]*):[ \t]*(?<value>[^\n#]*?)[ \t]*$")]
    private static partial Regex KeyValue();

    /// <summary>One line, control characters and non-ASCII escaped (\n, \t, \uXXXX).</summary>
    public static string Show(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text.Length > 4096 ? text[..4096] : text)
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\\' => "\\\\",
                '"' => "\\\"",
                _ when c < 0x20 || c >= 0x7F => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        if (text.Length > 4096)
            sb.Append($"… ({text.Length} chars)");
        return sb.ToString();
    }
}
