using System.Globalization;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Api;

/// <summary>One element of <c>GET /api/nodes</c>.</summary>
/// <param name="Lag">How many records the node holds that the hub has not stored: max(0, headSeq - lastSeq).</param>
/// <param name="LastSeen">ISO-8601 UTC, millisecond precision.</param>
/// <param name="LastHash">Full lowercase hex of the hash at <paramref name="LastSeq"/>; empty when none.</param>
/// <param name="Profile">The hardware profile the node named in its last hello; empty when unknown.</param>
/// <param name="Version">The node's software version from its last hello; empty when unknown.</param>
public sealed record NodeSummary(string NodeId, string Site, long LastSeq, long HeadSeq, long Lag, string LastSeen, string LastHash, string Profile, string Version)
{
    public static NodeSummary From(StoredNode node) => new(
        node.NodeId, node.Site, node.LastSeq, node.HeadSeq, node.Lag, FormatUtc(node.LastSeenUtc), Convert.ToHexStringLower(node.LastHash),
        node.Profile, node.Version);

    public static string FormatUtc(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
