using Microsoft.Data.Sqlite;
using SQLitePCL;
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
                InsertRecords(nodeId, records);
                if (reports is not null)
                    IndexReports(reports, tx);
                UpsertNode(node, tx);
                tx.Commit();
            });
            _nodes[nodeId] = node;
            return node;
        }
    }

    /// <summary>Rows per INSERT statement. Records are the hub's hot path: binding by position to a prepared
    /// multi-row statement costs a fraction per row of one ADO.NET command per row, whose named parameters are looked
    /// up on every execution (measured on the 2-vCPU box: about three times the rows per second).</summary>
    private const int RowsPerInsert = 50;

    private void InsertRecords(string nodeId, IReadOnlyList<RecordToStore> records)
    {
        var i = 0;
        for (; i + RowsPerInsert <= records.Count; i += RowsPerInsert)
            Insert(_insertMany ??= PrepareInsert(RowsPerInsert), nodeId, records, i, RowsPerInsert);
        for (; i < records.Count; i++)
            Insert(_insertOne ??= PrepareInsert(1), nodeId, records, i, 1);
    }

    /// <summary>Prepared once on the writer connection, finalized when the store is disposed.</summary>
    private sqlite3_stmt PrepareInsert(int rows)
    {
        var sql = "INSERT INTO records(node_id, seq, kind, device, hlc_wall, message_key, hash, canonical) VALUES "
            + string.Join(",", Enumerable.Repeat("(?,?,?,?,?,?,?,?)", rows));
        Check(raw.sqlite3_prepare_v2(_writer.Handle, sql, out var statement));
        return statement;
    }

    private void Insert(sqlite3_stmt statement, string nodeId, IReadOnlyList<RecordToStore> records, int from, int rows)
    {
        try
        {
            for (var row = 0; row < rows; row++)
            {
                var item = records[from + row];
                var record = item.Record;
                var at = row * 8;
                Check(raw.sqlite3_bind_text(statement, at + 1, nodeId));
                Check(raw.sqlite3_bind_int64(statement, at + 2, record.Sequence));
                Check(raw.sqlite3_bind_int(statement, at + 3, (int)record.Kind));
                Check(raw.sqlite3_bind_text(statement, at + 4, record.Device));
                Check(raw.sqlite3_bind_int64(statement, at + 5, record.Hlc.WallMillis));
                Check(raw.sqlite3_bind_text(statement, at + 6, record.MessageKey));
                Check(raw.sqlite3_bind_blob(statement, at + 7, record.Hash.Span));
                Check(raw.sqlite3_bind_blob(statement, at + 8, item.Canonical));
            }
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
                Check(rc);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, _writer.Handle);
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
