using Microsoft.Data.Sqlite;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>Records that a node said hello (or sent an empty batch): creates it when new, updates the
    /// sequence it reports as its newest and when it was last seen. Its chain head does not change.</summary>
    public StoredNode Touch(string nodeId, string site, long nodeHeadSeq, DateTime seenUtc)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _nodes.GetValueOrDefault(nodeId);
            var node = current is null
                ? new StoredNode(nodeId, site, 0, [], nodeHeadSeq, seenUtc)
                : current with { HeadSeq = Math.Max(nodeHeadSeq, current.LastSeq), LastSeenUtc = seenUtc };
            Run($"record node {nodeId}", () => UpsertNode(node, null));
            _nodes[nodeId] = node;
            return node;
        }
    }

    /// <summary>
    /// Appends verified records that continue <paramref name="expected"/>, indexes <paramref name="reports"/>
    /// taken from them and moves the node's head to the last of them, in one transaction: either all are
    /// durable (synchronous=FULL) or none is.
    /// </summary>
    /// <exception cref="HubStorageException">The write failed (nothing stored) or the head moved underneath.</exception>
    public StoredNode Append(
        string nodeId, string site, ChainHead expected, IReadOnlyList<RecordToStore> records, long nodeHeadSeq, DateTime seenUtc,
        IReadOnlyList<NodeReports.Report>? reports = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _nodes.GetValueOrDefault(nodeId);
            if ((current?.LastSeq ?? 0) != expected.Sequence)
                throw new HubStorageException($"node {nodeId}: stored head is {current?.LastSeq ?? 0}, not {expected.Sequence}; refusing to append");
            var last = records[^1].Record;
            var node = new StoredNode(nodeId, site, last.Sequence, last.Hash.ToArray(), Math.Max(nodeHeadSeq, last.Sequence), seenUtc);
            Run($"store {records.Count} record(s) of node {nodeId}", () =>
            {
                using var tx = _writer.BeginTransaction();
                InsertRecords(nodeId, records, tx);
                if (reports is not null)
                    IndexReports(reports, tx);
                UpsertNode(node, tx);
                tx.Commit();
            });
            _nodes[nodeId] = node;
            return node;
        }
    }

    private void InsertRecords(string nodeId, IReadOnlyList<RecordToStore> records, SqliteTransaction tx)
    {
        using var command = _writer.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO records(node_id, seq, kind, device, hlc_wall, message_key, hash, canonical)
            VALUES ($node, $seq, $kind, $device, $wall, $key, $hash, $canonical);
            """;
        command.Parameters.AddWithValue("$node", nodeId);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var kind = command.Parameters.Add("$kind", SqliteType.Integer);
        var device = command.Parameters.Add("$device", SqliteType.Text);
        var wall = command.Parameters.Add("$wall", SqliteType.Integer);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var hash = command.Parameters.Add("$hash", SqliteType.Blob);
        var canonical = command.Parameters.Add("$canonical", SqliteType.Blob);
        command.Prepare();
        foreach (var item in records)
        {
            var record = item.Record;
            seq.Value = record.Sequence;
            kind.Value = (int)record.Kind;
            device.Value = record.Device;
            wall.Value = record.Hlc.WallMillis;
            key.Value = record.MessageKey;
            hash.Value = record.Hash.ToArray();
            canonical.Value = item.Canonical;
            command.ExecuteNonQuery();
        }
    }

    private void UpsertNode(StoredNode node, SqliteTransaction? tx)
    {
        using var command = _writer.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO nodes(node_id, site, last_seq, last_hash, head_seq, last_seen_utc)
            VALUES ($node, $site, $last, $hash, $head, $seen)
            ON CONFLICT(node_id) DO UPDATE SET
                site = excluded.site, last_seq = excluded.last_seq, last_hash = excluded.last_hash,
                head_seq = excluded.head_seq, last_seen_utc = excluded.last_seen_utc;
            """;
        command.Parameters.AddWithValue("$node", node.NodeId);
        command.Parameters.AddWithValue("$site", node.Site);
        command.Parameters.AddWithValue("$last", node.LastSeq);
        command.Parameters.AddWithValue("$hash", node.LastHash);
        command.Parameters.AddWithValue("$head", node.HeadSeq);
        command.Parameters.AddWithValue("$seen", FormatUtc(node.LastSeenUtc));
        command.ExecuteNonQuery();
    }

    private static void Run(string what, Action write) => Run(what, () =>
    {
        write();
        return 0;
    });

    private static T Run<T>(string what, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (SqliteException ex)
        {
            throw new HubStorageException($"cannot {what}: {ex.Message}", ex);
        }
    }
}
