using System.Globalization;
using System.Text;

namespace Mesh.Cli.Sim;

/// <summary>Valid telemetry payloads as docs/TELEMETRY.md defines them.</summary>
internal static class TelemetryPayloads
{
    public static byte[] Valid(DateTime utc, long seq, double temperature, double humidity) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$$"""{"ts":"{{{Timestamp(utc)}}}","seq":{{{seq}}},"metrics":{"temperature":{{{temperature}}},"humidity":{{{humidity}}}}}"""));

    public static byte[] ColdRoom(DateTime utc, long seq, double temperature, double humidity, double power, double vibration) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$$"""{"ts":"{{{Timestamp(utc)}}}","seq":{{{seq}}},"metrics":{"temperature":{{{temperature}}},"humidity":{{{humidity}}},"power":{{{power}}},"vibration":{{{vibration}}}}}"""));

    /// <summary>ISO-8601 UTC with milliseconds, for example <c>2026-11-23T19:00:00.120Z</c>.</summary>
    public static string Timestamp(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
