using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mesh.Hub.Storage;

/// <summary>
/// Where a timeline page ended: the (hlc_wall, node_id, seq) of its last record, which the next page starts below
/// (keyset paging: no OFFSET, so a page deep in ten million records costs what the first does). The cursor names the
/// filter it was issued for; used with another it is refused rather than silently listing something else.
/// </summary>
internal readonly record struct TimelineCursor(long HlcWall, string NodeId, long Seq)
{
    private const string Version = "t1";

    public string Encode(TimelineFilter filter) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|',
        Version, FilterTag(filter), HlcWall.ToString(CultureInfo.InvariantCulture), Seq.ToString(CultureInfo.InvariantCulture), NodeId)));

    /// <exception cref="ArgumentException">The text is not a cursor, or was issued for another filter.</exception>
    public static TimelineCursor Decode(string text, TimelineFilter filter)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('|', 5);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"'{text}' is not a timeline cursor", nameof(text));
        }
        if (parts.Length != 5 || parts[0] != Version
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var wall)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            throw new ArgumentException($"'{text}' is not a timeline cursor", nameof(text));
        if (parts[1] != FilterTag(filter))
            throw new ArgumentException("the cursor continues a timeline with other filters; start again without a cursor", nameof(text));
        return new TimelineCursor(wall, parts[4], seq);
    }

    private static string FilterTag(TimelineFilter filter) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(filter.Canonical())).AsSpan(0, 8));
}
