using System.Globalization;
using System.Text.Json;
using Mesh.Node.Decisions;
using Mesh.Protocol;

namespace Mesh.Node.Ingest;

/// <summary>
/// Parses and validates a telemetry payload (<c>{"ts": ISO-8601, "seq": n, "metrics": {"name": number}}</c>,
/// see docs/TELEMETRY.md). Strict: every refusal names the field and the reason. Unknown top-level
/// fields are ignored so devices can add fields before nodes know them.
/// </summary>
public static partial class TelemetryParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 4, CommentHandling = JsonCommentHandling.Disallow };

    public static TelemetryParse Parse(SiteId site, DeviceId device, ReadOnlySpan<byte> payload, DateTimeOffset now, IngestOptions options)
    {
        if (payload.Length > options.MaxPayloadBytes)
            return TelemetryParse.Fail($"payload is {payload.Length} bytes; the limit is {options.MaxPayloadBytes}");
        if (payload.Length == 0)
            return TelemetryParse.Fail("payload is empty");
        // The JSON reader checks structure, not the UTF-8 inside strings: a bad sequence there would only surface as an
        // exception when a string is read, so the whole payload is checked here.
        if (InvalidUtf8At(payload) is { } bad)
            return TelemetryParse.Fail($"payload is not valid UTF-8 at byte {bad}");
        try
        {
            return ParseJson(site, device, payload, now, options);
        }
        catch (JsonException ex)
        {
            return TelemetryParse.Fail($"invalid JSON at byte {ex.BytePositionInLine}: {FirstSentence(ex.Message)}");
        }
    }

    private static TelemetryParse ParseJson(SiteId site, DeviceId device, ReadOnlySpan<byte> payload, DateTimeOffset now, IngestOptions options)
    {
        var reader = new Utf8JsonReader(payload, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return TelemetryParse.Fail("payload must be a JSON object");
        DateTimeOffset? ts = null;
        long? seq = null;
        List<Metric>? metrics = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = ReadString(ref reader);
            reader.Read();
            switch (name)
            {
                case "ts":
                    if (ts is not null) return TelemetryParse.Fail("field 'ts' appears twice");
                    if (reader.TokenType != JsonTokenType.String)
                        return TelemetryParse.Fail($"field 'ts' must be an ISO-8601 string, not {Describe(reader.TokenType)}");
                    var text = ReadString(ref reader);
                    if (text is null || !IsoTimestamp().IsMatch(text)
                        || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                        return TelemetryParse.Fail($"field 'ts' is not an ISO-8601 timestamp with an offset (2026-11-23T19:00:00.000Z): '{Truncate(text)}'");
                    ts = parsed;
                    break;
                case "seq":
                    if (seq is not null) return TelemetryParse.Fail("field 'seq' appears twice");
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var s))
                        return TelemetryParse.Fail($"field 'seq' must be an integer, not {Describe(reader.TokenType)}");
                    if (s <= 0)
                        return TelemetryParse.Fail($"field 'seq' must be positive, got {s}");
                    seq = s;
                    break;
                case "metrics":
                    if (metrics is not null) return TelemetryParse.Fail("field 'metrics' appears twice");
                    var (list, error) = ReadMetrics(ref reader, options.MaxMetrics);
                    if (error is not null) return TelemetryParse.Fail(error);
                    metrics = list;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (reader.Read())
            return TelemetryParse.Fail("trailing content after the JSON object");
        if (ts is null) return TelemetryParse.Fail("missing field 'ts'");
        if (seq is null) return TelemetryParse.Fail("missing field 'seq'");
        if (metrics is null) return TelemetryParse.Fail("missing field 'metrics'");
        if (ts.Value - now > options.MaxFutureSkew)
            return TelemetryParse.Fail($"field 'ts' {ts.Value:O} is {(ts.Value - now).TotalSeconds:F0} s ahead of the node's clock; the limit is {options.MaxFutureSkew.TotalSeconds:F0} s");
        metrics.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return TelemetryParse.Ok(new Observation(site, device, seq.Value, ts.Value, metrics));
    }

    private static (List<Metric>? Metrics, string? Error) ReadMetrics(ref Utf8JsonReader reader, int max)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            return (null, $"field 'metrics' must be an object, not {Describe(reader.TokenType)}");
        var list = new List<Metric>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = ReadString(ref reader);
            reader.Read();
            if (!IsValidMetricName(name))
                return (null, $"metric name '{Truncate(name)}' must be 1-64 characters of A-Z a-z 0-9 _ . -");
            if (reader.TokenType != JsonTokenType.Number)
                return (null, $"metric '{name}' must be a number, not {Describe(reader.TokenType)}");
            var value = reader.GetDouble();
            if (!double.IsFinite(value))
                return (null, $"metric '{name}' is not a finite number");
            if (list.Exists(m => m.Name == name))
                return (null, $"metric '{name}' appears twice");
            if (list.Count == max)
                return (null, $"more than {max} metrics");
            list.Add(new Metric(name, value));
        }
        if (list.Count == 0)
            return (null, "field 'metrics' is empty");
        return (list, null);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex IsoTimestamp();

    /// <summary>The string at the reader; an escape that decodes to half a surrogate pair (<c>"\ud800"</c>) is refused as
    /// invalid JSON at its byte offset, as the reader refuses other bad escapes, rather than thrown as it is by GetString.</summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException(ex.Message, null, null, reader.TokenStartIndex);
        }
    }

    private static int? InvalidUtf8At(ReadOnlySpan<byte> payload)
    {
        if (System.Text.Unicode.Utf8.IsValid(payload))
            return null;
        var at = 0;
        while (System.Text.Rune.DecodeFromUtf8(payload[at..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
            at += consumed;
        return at;
    }

    private static bool IsValidMetricName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => t.ToString(),
    };

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "…";

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i < 0 ? message : message[..i];
    }
}

/// <summary>A parsed observation, or why the payload was refused.</summary>
public readonly record struct TelemetryParse(Observation? Observation, string? Error)
{
    public static TelemetryParse Ok(Observation o) => new(o, null);

    public static TelemetryParse Fail(string error) => new(null, error);
}
