using System.Globalization;

namespace Mesh.Hub.AuditConsole;

/// <summary>How the console writes times and numbers: UTC, ISO-like, invariant culture.</summary>
public static class ConsoleFormat
{
    public static string Utc(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A record's HLC wall time, to the millisecond (records of one node are often less than a second apart).</summary>
    public static string UtcMs(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Ago(DateTime utc, DateTime nowUtc)
    {
        var d = nowUtc - utc;
        return d.TotalSeconds < 0 ? "just now"
            : d.TotalSeconds < 60 ? $"{(int)d.TotalSeconds} s ago"
            : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes} min ago"
            : d.TotalHours < 48 ? $"{(int)d.TotalHours} h ago"
            : $"{(int)d.TotalDays} d ago";
    }

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
