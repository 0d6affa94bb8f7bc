using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Mesh.Protocol.Yaml;

/// <summary>
/// Turns the text of a policy, profile or manifest into a <see cref="YNode"/> tree: exactly one document, no aliases, no tags, no duplicate
/// or non-scalar keys, at most <see cref="MaxDepth"/> levels. Syntax errors end the read (null root).
/// </summary>
internal sealed partial class YamlTreeReader
{
    /// <summary>Deepest nesting accepted; real files need under ten, and the limit bounds recursion.</summary>
    public const int MaxDepth = 64;

    private readonly Parser _parser;
    private readonly YamlDocumentKind _kind;
    private readonly YamlDiagnostics _diagnostics;
    private readonly LineMap _lines;

    private YamlTreeReader(string text, YamlDocumentKind kind, YamlDiagnostics diagnostics)
    {
        _lines = new LineMap(text);
        _parser = new Parser(new StringReader(text));
        _kind = kind;
        _diagnostics = diagnostics;
    }

    /// <summary>The document's root, or null when there is none or the text is not well-formed YAML.</summary>
    public static YNode? Read(string text, YamlDocumentKind kind, YamlDiagnostics diagnostics)
    {
        var reader = new YamlTreeReader(text, kind, diagnostics);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException ex)
        {
            AddSyntaxError(text, reader.At(ex.Start), "YAML syntax error: " + ex.Message.TrimEnd('.'), diagnostics);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException)
        {
            // YamlDotNet has thrown these (not YamlException) on some malformed flow collections; the last event it
            // produced is the best position there is.
            var at = reader._parser.Current is { } last ? reader.At(last.Start) : TextPosition.Start;
            AddSyntaxError(text, at, "YAML syntax error: the text after this point cannot be parsed; look for an unclosed '[' or '{', or a stray ':' inside one", diagnostics);
            return null;
        }
        catch (TooDeepException ex)
        {
            diagnostics.Add(ex.At, $"the {kind.Noun} is nested more than {MaxDepth} levels deep");
            return null;
        }
    }

    private YNode? ReadStream()
    {
        _parser.Consume<StreamStart>();
        if (!_parser.TryConsume<DocumentStart>(out _))
        {
            _diagnostics.Add(TextPosition.Start, $"the file is empty; expected {_kind.Expected}");
            return null;
        }
        var root = ReadNode(0);
        _parser.Consume<DocumentEnd>();
        if (_parser.TryConsume<DocumentStart>(out var second))
            _diagnostics.Add(At(second.Start), $"a {_kind.Noun} file holds exactly one YAML document; a second one starts here");
        return root;
    }

    private YNode ReadNode(int depth)
    {
        var next = _parser.Current ?? throw new InvalidOperationException("the YAML parser ended inside a document");
        if (depth > MaxDepth)
            throw new TooDeepException(At(next.Start));
        switch (next)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                _diagnostics.Add(At(alias.Start), $"aliases (*{alias.Value}) are not supported; write the value out in full");
                return new YInvalid(At(alias.Start));
            case Scalar scalar:
                _parser.MoveNext();
                if (!scalar.Tag.IsEmpty)
                    return Tagged(scalar);
                return new YScalar(At(scalar.Start), scalar.Value, scalar.Style == ScalarStyle.Plain);
            case SequenceStart start:
                _parser.MoveNext();
                return Untagged(start, ReadSequence(start, depth));
            case MappingStart start:
                _parser.MoveNext();
                return Untagged(start, ReadMapping(start, depth));
            default:
                throw new YamlException(next.Start, next.End, $"unexpected {next.GetType().Name}");
        }
    }

    private YSequence ReadSequence(SequenceStart start, int depth)
    {
        var items = new List<YNode>();
        while (!_parser.TryConsume<SequenceEnd>(out _))
            items.Add(ReadNode(depth + 1));
        return new YSequence(At(start.Start), items);
    }

    private YMapping ReadMapping(MappingStart start, int depth)
    {
        var entries = new List<KeyValuePair<YScalar, YNode>>();
        var seen = new Dictionary<string, TextPosition>(StringComparer.Ordinal);
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(depth + 1);
            var value = ReadNode(depth + 1);
            if (key is YInvalid)
                continue;
            if (key is not YScalar scalar)
            {
                _diagnostics.Add(key, "a key must be a plain string, not " + YamlValues.Describe(key));
                continue;
            }
            if (seen.TryGetValue(scalar.Value, out var first))
            {
                _diagnostics.Add(scalar, $"duplicate key '{scalar.Value}' (first at {first})");
                continue;
            }
            seen.Add(scalar.Value, scalar.At);
            entries.Add(new(scalar, value));
        }
        return new YMapping(At(start.Start), entries);
    }

    private YNode Tagged(Scalar scalar)
    {
        _diagnostics.Add(At(scalar.Start), $"YAML tags ({ShortTag(scalar.Tag.Value)}) are not supported; quote the value to make it a string");
        return new YInvalid(At(scalar.Start));
    }

    private YNode Untagged(NodeEvent start, YNode node)
    {
        if (start.Tag.IsEmpty)
            return node;
        _diagnostics.Add(At(start.Start), $"YAML tags ({ShortTag(start.Tag.Value)}) are not supported");
        return new YInvalid(At(start.Start));
    }

    private static string ShortTag(string tag) =>
        tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? "!!" + tag[CoreTagPrefix.Length..] : tag;

    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    /// <summary>The position of <paramref name="mark"/> counted from its character index, in lines ended by '\n' only: the
    /// parser also ends lines at '\r', U+0085, U+2028 and U+2029 (YAML 1.1), which editors do not, so its own line and
    /// column would point past the line a person sees.</summary>
    private TextPosition At(Mark mark) => _lines.At(checked((int)mark.Index));

    private sealed class TooDeepException(TextPosition at) : Exception("too deep")
    {
        public TextPosition At { get; } = at;
    }
}
