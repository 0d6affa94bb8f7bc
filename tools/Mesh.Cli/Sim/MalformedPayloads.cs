using System.Globalization;
using System.Text;

namespace Mesh.Cli.Sim;

/// <summary>
/// Payloads the node must refuse. Each carries the reading's index (<c>"n"</c>, ignored by the node where it
/// parses at all) so that no two of one device's malformed payloads are the same bytes: the node records
/// one refusal per distinct payload.
/// </summary>
internal static class MalformedPayloads
{
    /// <summary>Size of an <see cref="MalformedKind.Oversized"/> payload.</summary>
    public const int OversizedBytes = 64 * 1024;

    /// <summary>Whether the kind carries a <c>seq</c> (and so takes the device's next one).</summary>
    public static bool HasSeq(MalformedKind kind) =>
        kind is MalformedKind.SeqAsString or MalformedKind.NaNMetric or MalformedKind.EmptyMetrics
            or MalformedKind.Oversized or MalformedKind.FutureTimestamp;

    public static byte[] Create(MalformedKind kind, DateTime utc, long seq, long index, double temperature, double humidity)
    {
        var ts = TelemetryPayloads.Timestamp(utc);
        var inv = CultureInfo.InvariantCulture;
        var text = kind switch
        {
            MalformedKind.InvalidJson => string.Create(inv, $$$"""{"ts":"{{{ts}}}","n":{{{index}}},"metrics":{"temperature":{{{temperature}}}"""),
            MalformedKind.JsonArray => string.Create(inv, $$$"""["{{{ts}}}",{{{index}}},{{{temperature}}},{{{humidity}}}]"""),
            MalformedKind.MissingSeq => string.Create(inv, $$$"""{"ts":"{{{ts}}}","n":{{{index}}},"metrics":{"temperature":{{{temperature}}},"humidity":{{{humidity}}}}}"""),
            MalformedKind.SeqAsString => string.Create(inv, $$$"""{"ts":"{{{ts}}}","seq":"{{{seq}}}","n":{{{index}}},"metrics":{"temperature":{{{temperature}}}}}"""),
            MalformedKind.NaNMetric => string.Create(inv, $$$"""{"ts":"{{{ts}}}","seq":{{{seq}}},"n":{{{index}}},"metrics":{"temperature":NaN}}"""),
            MalformedKind.EmptyMetrics => string.Create(inv, $$$"""{"ts":"{{{ts}}}","seq":{{{seq}}},"n":{{{index}}},"metrics":{}}"""),
            MalformedKind.Oversized => Oversized(ts, seq, index, temperature, humidity),
            MalformedKind.FutureTimestamp => string.Create(inv,
                $$$"""{"ts":"{{{TelemetryPayloads.Timestamp(utc.AddDays(1))}}}","seq":{{{seq}}},"n":{{{index}}},"metrics":{"temperature":{{{temperature}}},"humidity":{{{humidity}}}}}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>An otherwise valid reading padded to exactly <see cref="OversizedBytes"/>.</summary>
    private static string Oversized(string ts, long seq, long index, double temperature, double humidity)
    {
        var head = string.Create(CultureInfo.InvariantCulture,
            $$$"""{"ts":"{{{ts}}}","seq":{{{seq}}},"n":{{{index}}},"metrics":{"temperature":{{{temperature}}},"humidity":{{{humidity}}}},"pad":""") + "\"";
        const string tail = "\"}";
        return head + new string('x', OversizedBytes - head.Length - tail.Length) + tail;
    }
}
