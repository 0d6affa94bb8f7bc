using System.Globalization;
using System.Text;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Telemetry payloads as docs/TELEMETRY.md describes them.</summary>
public static class Readings
{
    public static string Telemetry(string site, string device) => $"mesh/{site}/{device}/telemetry";

    public static string Command(string site, string device) => $"mesh/{site}/{device}/command";

    public static string Temperature(long seq, double celsius) => Of(seq, DateTime.UtcNow, ("temperature", celsius));

    public static string Of(long seq, DateTime ts, params (string Metric, double Value)[] metrics)
    {
        var sb = new StringBuilder();
        sb.Append("{\"ts\":\"").Append(ts.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
          .Append("\",\"seq\":").Append(seq.ToString(CultureInfo.InvariantCulture)).Append(",\"metrics\":{");
        for (var i = 0; i < metrics.Length; i++)
        {
            if (i > 0)
                sb.Append(',');
            sb.Append('"').Append(metrics[i].Metric).Append("\":").Append(metrics[i].Value.ToString("R", CultureInfo.InvariantCulture));
        }
        return sb.Append("}}").ToString();
    }
}
