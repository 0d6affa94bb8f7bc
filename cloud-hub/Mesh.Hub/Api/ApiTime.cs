using System.Globalization;

namespace Mesh.Hub.Api;

/// <summary>How the JSON API writes the hub's own times: ISO-8601 UTC with milliseconds.</summary>
public static class ApiTime
{
    public static string Format(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Format(long? unixMs) => unixMs is { } ms ? Format(ms) : null;
}
