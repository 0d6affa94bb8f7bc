using Mesh.Protocol.Audit;

namespace Mesh.Hub.Storage;

/// <summary>Which records the audit timeline shows; a null field selects everything. Time is the record's HLC wall time
/// (Unix ms), in [<see cref="FromWallMs"/>, <see cref="ToWallMs"/>).</summary>
public sealed record TimelineFilter(
    string? Site = null, string? NodeId = null, string? Device = null, AuditKind? Kind = null, long? FromWallMs = null, long? ToWallMs = null)
{
    /// <summary>A stable text of the filter; a cursor carries its hash so that it only continues the listing it came from.</summary>
    internal string Canonical() => string.Join('\u001f',
        Site ?? "\0", NodeId ?? "\0", Device ?? "\0", Kind is { } k ? ((int)k).ToString(System.Globalization.CultureInfo.InvariantCulture) : "\0",
        FromWallMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "\0",
        ToWallMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "\0");
}
