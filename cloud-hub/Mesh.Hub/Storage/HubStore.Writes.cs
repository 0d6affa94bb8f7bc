using System.Data.Common;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>Records that a node said hello (or sent an empty batch): creates it when new, updates the
    /// sequence it reports as its newest and when it was last seen, and its profile and version when given (null keeps
    /// what is stored). Its chain head does not change.</summary>
    public StoredNode Touch(string nodeId, string site, long nodeHeadSeq, DateTime seenUtc, string? profile = null, string? version = null)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = _nodes.GetValueOrDefault(nodeId);
            var node = current is null
                ? new StoredNode(nodeId, site, 0, [], nodeHeadSeq, seenUtc, profile ?? "", version ?? "")
                : current with
                {
                    HeadSeq = Math.Max(nodeHeadSeq, current.LastSeq), LastSeenUtc = seenUtc,
                    Profile = profile ?? current.Profile, Version = version ?? current.Version,
                };
            Run($"record node {nodeId}", () => UpsertNode(node, null));
            _nodes[nodeId] = node;
            return node;
        }
    }

    /// <summary>
    /// Appends verified records that continue <paramref name="expected"/>, indexes <paramref name="reports"/>
    /// taken from them and moves the node's head to the last of them, in one transaction: either all are
    /// durable when it commits (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on) or none is.
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
            var node = new StoredNode(nodeId, site, last.Sequence, last.Hash.ToArray(), Math.Max(nodeHeadSeq, last.Sequence), seenUtc,
                current?.Profile ?? "", current?.Version ?? "");
            Run($"store {records.Count} record(s) of node {nodeId}", () =>
            {
                using var tx = Writer.BeginTransaction();
                _db.InsertRecords(tx, nodeId, site, records);
                if (reports is not null)
                    IndexReports(reports, tx);
                UpsertNode(node, tx);
                tx.Commit();
            });
            _nodes[nodeId] = node;
            NoteCheckpoints(reports);
            return node;
        }
    }

    private void UpsertNode(StoredNode node, DbTransaction? tx)
    {
        using var command = Writer.Command("""
            INSERT INTO nodes(node_id, site, last_seq, last_hash, head_seq, last_seen_utc, profile, version)
            VALUES (@node, @site, @last, @hash, @head, @seen, @profile, @version)
            ON CONFLICT(node_id) DO UPDATE SET
                site = excluded.site, last_seq = excluded.last_seq, last_hash = excluded.last_hash,
                head_seq = excluded.head_seq, last_seen_utc = excluded.last_seen_utc, profile = excluded.profile, version = excluded.version;
            """, tx);
        command.Bind("@node", node.NodeId);
        command.Bind("@site", node.Site);
        command.Bind("@last", node.LastSeq);
        command.Bind("@hash", node.LastHash);
        command.Bind("@head", node.HeadSeq);
        command.Bind("@seen", FormatUtc(node.LastSeenUtc));
        command.Bind("@profile", node.Profile);
        command.Bind("@version", node.Version);
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
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException)
        {
            throw new HubStorageException($"cannot {what}: {ex.Message}", ex);
        }
    }
}
