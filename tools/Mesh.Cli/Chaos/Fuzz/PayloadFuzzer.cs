using System.Globalization;
using System.Text;
using Mesh.Node;
using Mesh.Node.Audit;
using Mesh.Node.Ingest;
using Mesh.Protocol;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// Telemetry payloads for <see cref="TelemetryParser"/> and the rejection record the ingest path writes for a refused one.
/// Promises checked: the parser never throws; it answers an observation or an error, never both nor neither; an
/// accepted observation holds 1..MaxMetrics finite metrics with distinct valid names and a positive seq; a refusal's
/// record body is valid JSON that names the reason.
/// </summary>
public sealed class PayloadFuzzer : FuzzTarget<byte[]>
{
    /// <summary>The node's clock for every input: fixed, so "too far in the future" is deterministic.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static readonly IngestOptions Options = new();
    private static readonly SiteId Site = new("site-a");
    private static readonly DeviceId Device = new("sensor-0001");

    public override FuzzKind Kind => FuzzKind.Payload;

    public override byte[] Generate(Random random) => random.Next(10) switch
    {
        0 or 1 => PayloadGrammar.Valid(random),
        2 or 3 or 4 => PayloadGrammar.Structured(random),
        5 or 6 or 7 => ByteMutations.Mutate(PayloadGrammar.Valid(random), random, 1 + random.Next(4)),
        8 => PayloadGrammar.Nested(random),
        _ => ByteMutations.RandomBytes(random),
    };

    public override FuzzVerdict Check(byte[] input)
    {
        var parse = TelemetryParser.Parse(Site, Device, input, Now, Options);
        if ((parse.Observation is null) == (parse.Error is null))
            return FuzzVerdict.Fail(parse.Error is null ? "neither an observation nor an error" : "both an observation and an error");
        if (parse.Observation is { } o)
            return CheckObservation(o);
        if (string.IsNullOrWhiteSpace(parse.Error))
            return FuzzVerdict.Fail("an empty error message");
        var draft = AuditDrafts.ForRejection(Device.Value, "rejected:fuzz", System.Security.Cryptography.SHA256.HashData(input), "mesh/site-a/sensor-0001/telemetry", parse.Error!, input);
        using var body = System.Text.Json.JsonDocument.Parse(draft.Body);
        if (body.RootElement.GetProperty("reason").GetString() != parse.Error)
            return FuzzVerdict.Fail("the rejection record does not carry the reason");
        return FuzzVerdict.Reject(parse.Error!);
    }

    private static FuzzVerdict CheckObservation(Mesh.Node.Decisions.Observation o)
    {
        if (o.Seq <= 0)
            return FuzzVerdict.Fail($"accepted seq {o.Seq}");
        if (o.Metrics.Count is 0 || o.Metrics.Count > Options.MaxMetrics)
            return FuzzVerdict.Fail($"accepted {o.Metrics.Count} metrics");
        if (o.Metrics.Any(m => !double.IsFinite(m.Value)))
            return FuzzVerdict.Fail("accepted a metric that is not finite");
        if (o.Metrics.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != o.Metrics.Count)
            return FuzzVerdict.Fail("accepted a metric name twice");
        if (o.Timestamp - Now > Options.MaxFutureSkew)
            return FuzzVerdict.Fail($"accepted a timestamp {o.Timestamp:O} beyond the future skew");
        return FuzzVerdict.Accept();
    }

    public override string Show(byte[] input) => ByteMutations.Show(input);
}

/// <summary>Telemetry-shaped JSON: valid readings, readings with one field made wrong in a structured way, deep nesting.</summary>
internal static class PayloadGrammar
{
    private static readonly string[] MetricNames = ["temperature", "humidity", "door", "power.kw", "co2_ppm", "t-1", "x"];

    public static byte[] Valid(Random r) => Encoding.UTF8.GetBytes(Render(r, ValidFields(r)));

    /// <summary>A valid reading with one field replaced, removed, repeated or renamed.</summary>
    public static byte[] Structured(Random r)
    {
        var fields = ValidFields(r);
        var i = r.Next(fields.Count);
        switch (r.Next(6))
        {
            case 0: fields[i] = (fields[i].Name, WeirdValue(r)); break;
            case 1: fields.RemoveAt(i); break;
            case 2: fields.Add(fields[i]); break;
            case 3: fields[i] = (WeirdName(r), fields[i].Value); break;
            case 4: fields[^1] = ("metrics", WeirdMetrics(r)); break;
            default: fields.Insert(r.Next(fields.Count + 1), (WeirdName(r), WeirdValue(r))); break;
        }
        var text = Render(r, fields);
        return r.Next(8) switch
        {
            0 => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
            1 => Encoding.UTF8.GetBytes(text + WeirdValue(r)),
            2 => Encoding.UTF8.GetBytes(text[..r.Next(text.Length)]),
            3 => Encoding.UTF8.GetBytes(" \t\r\n" + text + "\n"),
            _ => Encoding.UTF8.GetBytes(text),
        };
    }

    /// <summary>Arrays and objects nested past the parser's depth limit, opened and never or only partly closed.</summary>
    public static byte[] Nested(Random r)
    {
        var depth = r.Next(1, 200);
        var open = r.Next(2) == 0 ? "[" : "{\"a\":";
        var sb = new StringBuilder("{\"ts\":\"2026-11-24T08:59:00Z\",\"seq\":1,\"metrics\":");
        for (var i = 0; i < depth; i++)
            sb.Append(open);
        sb.Append('1');
        var close = r.Next(depth + 1);
        for (var i = 0; i < close; i++)
            sb.Append(open == "[" ? ']' : '}');
        sb.Append('}');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static List<(string Name, string Value)> ValidFields(Random r)
    {
        var ts = PayloadFuzzer.Now.AddSeconds(-r.Next(0, 86_400)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var metrics = new StringBuilder("{");
        var count = r.Next(1, 4);
        var names = MetricNames.OrderBy(_ => r.Next()).Take(count).ToArray();
        for (var i = 0; i < names.Length; i++)
            metrics.Append(i > 0 ? "," : "").Append('"').Append(names[i]).Append("\":")
                .Append((r.NextDouble() * 100 - 20).ToString("0.###", CultureInfo.InvariantCulture));
        metrics.Append('}');
        return [("ts", $"\"{ts}\""), ("seq", r.NextInt64(1, 1_000_000).ToString(CultureInfo.InvariantCulture)), ("metrics", metrics.ToString())];
    }

    private static string Render(Random r, List<(string Name, string Value)> fields)
    {
        var sep = r.Next(4) == 0 ? ", " : ",";
        return "{" + string.Join(sep, fields.Select(f => $"\"{f.Name}\":{f.Value}")) + "}";
    }

    private static readonly string[] Values =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "1e-400", "-0", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1E+308", "123456789012345678901234567890", "NaN", "Infinity", "-Infinity", "0x10", "01", ".5", "5.", "+1",
        "\"\"", "\"2026-11-24T08:00:00Z\"", "\"2026-13-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59+14:00\"", "\"2026-11-24T08:00:60Z\"", "\"2026-11-24T08:00:00+24:00\"", "\"2026-11-24T08:00:00\"",
        "\"2026-11-24 08:00:00Z\"", "\"2026-11-24T08:00:00.12345678Z\"", "\"2099-01-01T00:00:00Z\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\uDC00\\uD800\"",
        "\"\\x41\"", "\"\\u12\"", "[]", "{}", "[1,2,3]", "{\"a\":1}", "\"" + new string('x', 300) + "\"", "[{\"a\":[{\"b\":[]}]}]",
    ];

    private static readonly string[] Names = ["", "ts", "seq", "metrics", "TS", "Seq", "\\u0074s", "t\\u0000s", "\\ud800", "métrique", "a b", "a/b",
        "x" + new string('y', 64), "x" + new string('y', 63), "temperature", "$", "..", "-", "0", "\\\"", "ts\\n"];

    private static string WeirdValue(Random r) => Values[r.Next(Values.Length)];

    private static string WeirdName(Random r) => Names[r.Next(Names.Length)];

    private static string WeirdMetrics(Random r)
    {
        var count = r.Next(10) == 0 ? r.Next(60, 80) : r.Next(0, 5);
        var parts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = r.Next(3) == 0 ? WeirdName(r) : (count > 10 ? "m" + i : MetricNames[r.Next(MetricNames.Length)]);
            var value = r.Next(3) == 0 ? WeirdValue(r) : r.Next(-100, 100).ToString(CultureInfo.InvariantCulture);
            parts.Add($"\"{name}\":{value}");
        }
        return "{" + string.Join(",", parts) + "}";
    }
}
