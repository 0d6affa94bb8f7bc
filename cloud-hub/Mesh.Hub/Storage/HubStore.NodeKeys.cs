using System.Data.Common;
using System.Security.Cryptography;
using Mesh.Protocol.Identity;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StoredNodeKey> _nodeKeys = new(StringComparer.Ordinal);

    /// <summary>The key pinned for a node (checkpoints must be signed by it), or null when none is yet.</summary>
    public StoredNodeKey? FindNodeKey(string nodeId) => _nodeKeys.GetValueOrDefault(nodeId);

    /// <summary>
    /// Pins <paramref name="publicKeyDer"/> as the node's key before its first checkpoint arrives (enrollment calls this
    /// with the key of the node's certificate); from then on only checkpoints signed by it are accepted. Registering the
    /// key already pinned changes nothing. Another key replaces the pinned one only with <paramref name="replace"/> (a
    /// node re-keyed on purpose); otherwise it is refused, so that a stolen token cannot re-key a node quietly.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are not a P-256 public key (DER SubjectPublicKeyInfo).</exception>
    /// <exception cref="InvalidOperationException">Another key is pinned and <paramref name="replace"/> is false.</exception>
    public StoredNodeKey RegisterNodeKey(string nodeId, byte[] publicKeyDer, DateTime atUtc, bool replace = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        RequireP256(publicKeyDer);
        var fingerprint = NodePublicKey.Fingerprint(publicKeyDer);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _nodeKeys.GetValueOrDefault(nodeId);
            if (current is not null && current.Fingerprint == fingerprint)
                return current;
            if (current is not null && !replace)
                throw new InvalidOperationException($"node {nodeId} has key {current.Fingerprint} pinned ({current.Source}); "
                    + $"refusing to pin key {fingerprint} in its place without replace");
            var key = new StoredNodeKey(nodeId, publicKeyDer, fingerprint, StoredNodeKey.Registered,
                new DateTimeOffset(atUtc.ToUniversalTime()).ToUnixTimeMilliseconds(), null, null);
            Run($"register the key of node {nodeId}", () =>
            {
                using var command = Writer.Command("""
                    INSERT INTO node_keys(node_id, public_key, fingerprint, source, pinned_at, checkpoint_seq, checkpoint_at)
                    VALUES (@node, @key, @fingerprint, @source, @at, NULL, NULL)
                    ON CONFLICT(node_id) DO UPDATE SET public_key = excluded.public_key, fingerprint = excluded.fingerprint,
                        source = excluded.source, pinned_at = excluded.pinned_at, checkpoint_seq = NULL, checkpoint_at = NULL;
                    """);
                command.Bind("@node", nodeId).Bind("@key", publicKeyDer).Bind("@fingerprint", fingerprint)
                    .Bind("@source", key.Source).Bind("@at", key.PinnedAtMs);
                command.ExecuteNonQuery();
            });
            _nodeKeys[nodeId] = key;
            return key;
        }
    }

    /// <summary>In the transaction storing a verified checkpoint: pins its key when the node has none, and makes it the
    /// node's last signed checkpoint. The batch verifier made sure the key is the pinned one.</summary>
    private void IndexCheckpoint(NodeReports.CheckpointSigned r, DbTransaction tx)
    {
        using var command = Writer.Command("""
            INSERT INTO node_keys(node_id, public_key, fingerprint, source, pinned_at, checkpoint_seq, checkpoint_at)
            VALUES (@node, @key, @fingerprint, @source, @at, @seq, @at)
            ON CONFLICT(node_id) DO UPDATE SET checkpoint_seq = excluded.checkpoint_seq, checkpoint_at = excluded.checkpoint_at
                WHERE node_keys.fingerprint = excluded.fingerprint;
            """, tx);
        command.Bind("@node", r.NodeId).Bind("@key", r.PublicKeyDer).Bind("@fingerprint", r.Fingerprint)
            .Bind("@source", StoredNodeKey.FirstUse).Bind("@at", r.AtMs).Bind("@seq", r.Sequence);
        command.ExecuteNonQuery();
    }

    /// <summary>After the transaction committed: the cache follows what <see cref="IndexCheckpoint"/> wrote.</summary>
    private void NoteCheckpoints(IReadOnlyList<NodeReports.Report>? reports)
    {
        if (reports is null)
            return;
        foreach (var r in reports.OfType<NodeReports.CheckpointSigned>())
        {
            var current = _nodeKeys.GetValueOrDefault(r.NodeId);
            if (current is null)
                _nodeKeys[r.NodeId] = new StoredNodeKey(r.NodeId, r.PublicKeyDer, r.Fingerprint, StoredNodeKey.FirstUse, r.AtMs, r.Sequence, r.AtMs);
            else if (current.Fingerprint == r.Fingerprint)
                _nodeKeys[r.NodeId] = current with { CheckpointSeq = r.Sequence, CheckpointAtMs = r.AtMs };
        }
    }

    private void LoadNodeKeys(DbConnection connection)
    {
        using var command = connection.Command("SELECT node_id, public_key, fingerprint, source, pinned_at, checkpoint_seq, checkpoint_at FROM node_keys;");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = new StoredNodeKey(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64OrNull(5), reader.GetInt64OrNull(6));
            _nodeKeys[key.NodeId] = key;
        }
    }

    private static void RequireP256(byte[] publicKeyDer)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(publicKeyDer, out var read);
            if (read != publicKeyDer.Length || key.KeySize != 256)
                throw new ArgumentException($"not a P-256 public key ({key.KeySize} bits, {publicKeyDer.Length - read} trailing bytes)", nameof(publicKeyDer));
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"not a DER SubjectPublicKeyInfo: {ex.Message}", nameof(publicKeyDer), ex);
        }
    }
}
