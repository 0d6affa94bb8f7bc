using System.Globalization;
using Mesh.Hub.Storage;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.AuditConsole.Timeline;

/// <summary>The Timeline page's query string, checked: what is wrong in it is named, and nothing is queried then.</summary>
public sealed record TimelineQuery(TimelineFilter Filter, string? Cursor, IReadOnlyList<string> Problems)
{
    public const int PageSize = 50;

    /// <summary>The form's times: <c>datetime-local</c> values, read as UTC.</summary>
    private static readonly string[] TimeFormats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.fff"];

    public static TimelineQuery Parse(string? site, string? node, string? device, string? kind, string? from, string? to, string? cursor)
    {
        var problems = new List<string>();
        AuditKind? k = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (Enum.TryParse<AuditKind>(kind, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(kind, out _))
                k = parsed;
            else
                problems.Add($"kind '{kind}' is not one of {string.Join(", ", Enum.GetNames<AuditKind>())}");
        }
        var fromMs = Time(from, "from", problems);
        var toMs = Time(to, "to", problems);
        if (fromMs is { } f && toMs is { } t && f >= t)
            problems.Add("'from' must be before 'to'");
        var filter = new TimelineFilter(Blank(site), Blank(node), Blank(device), k, fromMs, toMs);
        return new TimelineQuery(filter, Blank(cursor), problems);
    }

    private static long? Time(string? text, string name, List<string> problems)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            return new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();
        problems.Add($"'{name}' is '{text}', not a time like 2026-11-24T08:30 (UTC)");
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
