namespace Mesh.Hub.Storage;

/// <summary>The public key the hub pinned for a node, and the node's last signed checkpoint that verified with it.</summary>
/// <param name="PublicKeyDer">DER SubjectPublicKeyInfo (ECDSA P-256).</param>
/// <param name="Fingerprint">Hex SHA-256 of <paramref name="PublicKeyDer"/>.</param>
/// <param name="Source"><see cref="Registered"/> (given before the node's first checkpoint, e.g. at enrollment) or
/// <see cref="FirstUse"/> (the key of the first checkpoint the hub accepted).</param>
/// <param name="PinnedAtMs">When it was pinned, Unix ms: the hub's clock for a registered key, the checkpoint's HLC wall
/// time for a key pinned on first use.</param>
/// <param name="CheckpointSeq">The last checkpoint record stored; null before the first.</param>
/// <param name="CheckpointAtMs">That checkpoint's HLC wall time.</param>
public sealed record StoredNodeKey(string NodeId, byte[] PublicKeyDer, string Fingerprint, string Source, long PinnedAtMs, long? CheckpointSeq, long? CheckpointAtMs)
{
    public const string Registered = "registered";
    public const string FirstUse = "first-use";
}
