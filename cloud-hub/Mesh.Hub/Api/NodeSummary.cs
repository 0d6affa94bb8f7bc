using System.Globalization;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Api;

/// <summary>One element of <c>GET /api/nodes</c>.</summary>
/// <param name="Lag">How many records the node holds that the hub has not stored: max(0, headSeq - lastSeq).</param>
/// <param name="LastSeen">ISO-8601 UTC, millisecond precision.</param>
/// <param name="LastHash">Full lowercase hex of the hash at <paramref name="LastSeq"/>; empty when none.</param>
/// <param name="Profile">The hardware profile the node named in its last hello; empty when unknown.</param>
/// <param name="Version">The node's software version from its last hello; empty when unknown.</param>
/// <param name="KeyFingerprint">Hex SHA-256 of the node's pinned public key; empty when none is pinned.</param>
/// <param name="PublicKey">Base64 DER of the pinned key: <c>mesh audit verify</c> checks checkpoints against it.</param>
/// <param name="LastCheckpointSeq">The node's last signed checkpoint the hub stored; null before the first.</param>
public sealed record NodeSummary(string NodeId, string Site, long LastSeq, long HeadSeq, long Lag, string LastSeen, string LastHash, string Profile, string Version,
    string KeyFingerprint = "", string PublicKey = "", long? LastCheckpointSeq = null)
{
    public static NodeSummary From(StoredNode node) => From(node, null);

    public static NodeSummary From(StoredNode node, StoredNodeKey? key) => new(
        node.NodeId, node.Site, node.LastSeq, node.HeadSeq, node.Lag, FormatUtc(node.LastSeenUtc), Convert.ToHexStringLower(node.LastHash),
        node.Profile, node.Version, key?.Fingerprint ?? "", key is null ? "" : Convert.ToBase64String(key.PublicKeyDer), key?.CheckpointSeq);

    public static string FormatUtc(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
