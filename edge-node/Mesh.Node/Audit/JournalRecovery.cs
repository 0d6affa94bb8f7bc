using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>What the hub holds of this node's stream from a sequence on (<c>AuditSync.ReadBack</c>).</summary>
public delegate IAsyncEnumerable<ReadBackReply> HubReadBack(long fromSeq, CancellationToken cancellationToken);

/// <summary>What a rebuild did; the <see cref="AuditKind.JournalRecovered"/> record carries it.</summary>
/// <param name="DamagedCopy">Where the damaged file now lies (beside the new journal, never deleted).</param>
/// <param name="Salvaged">Records read from the damaged file that verify in the chain.</param>
/// <param name="FromHub">Records the hub sent that the damaged file no longer gave.</param>
/// <param name="HubHead">The hub's stored head for the node; -1 when no hub was asked (a node without one).</param>
/// <param name="Head">The rebuilt journal's head.</param>
/// <param name="Reason">Why the damaged file could not be used, as SQLite said.</param>
/// <param name="StoppedAt">Why salvage of the damaged file stopped where it did.</param>
public sealed record JournalRebuild(string DamagedCopy, string DamagedSha256, long Salvaged, long FromHub, long HubHead, long Head, string Reason, string StoppedAt)
{
    public AuditDraft Draft()
    {
        var body = AuditDrafts.Json(w =>
        {
            w.WriteString("damaged_copy", System.IO.Path.GetFileName(DamagedCopy));
            w.WriteString("damaged_sha256", DamagedSha256);
            w.WriteNumber("salvaged", Salvaged);
            w.WriteNumber("from_hub", FromHub);
            w.WriteNumber("hub_head", HubHead);
            w.WriteNumber("head", Head);
            w.WriteString("reason", Reason);
            w.WriteString("salvage_stopped", StoppedAt);
        });
        return new AuditDraft(AuditKind.JournalRecovered, "", $"journal-recovered/{Head + 1}", SHA256.HashData(Encoding.UTF8.GetBytes(body)),
            AuditRoute.None, "", "", "rebuild-journal", "journal-recovered", body);
    }
}

/// <summary>Recovery cannot go on; nothing was changed on disk. The message says what to do.</summary>
public sealed class JournalRecoveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Rebuilds a damaged journal (docs/RELIABILITY.md, "A damaged journal"). Reads the damaged file as far as it still
/// reads and verifies: the pruning state, the node-level records kept below the pruned boundary, then the chain from the
/// boundary on, stopping at the first row that cannot be read or does not verify. Asks the hub for what it holds of the
/// node's stream from there (every record the hub acknowledged), checking that the hub's history is this journal's, and
/// goes on salvaging local records past the hub's head. Writes all of it, byte for byte, to a new file; only then sets
/// the damaged file aside (<c>audit.db.damaged-&lt;UTC time&gt;</c>) and puts the new one in its place. A failure before
/// that changes nothing, so the next start tries again.
/// </summary>
public static class JournalRecovery
{
    /// <summary>The longest the hub may stay silent while it sends records back; a slow link that keeps sending is waited for.</summary>
    private static readonly TimeSpan FetchIdleLimit = TimeSpan.FromSeconds(30);

    /// <param name="progress">Told (records read back so far, the hub's head) after each reply of the hub.</param>
    public static async Task<JournalRebuild> RebuildAsync(string path, string nodeId, string reason, HubReadBack? hub, CancellationToken cancellationToken,
        Action<long, long>? progress = null)
    {
        var salvage = Salvage(path, nodeId);
        if (salvage.Unreadable && hub is null)
            throw new JournalRecoveryException($"audit journal {path}: {salvage.StoppedAt}, and this node has no hub (Node:Sync:HubUrl) to read its "
                + "records back from; the node cannot rebuild it. Move the file aside to start an empty journal (docs/RELIABILITY.md)");
        var head = salvage.Head;
        var records = new List<Row>(salvage.Chain);
        long salvaged = salvage.Chain.Count, fromHub = 0, hubHead = -1;
        var stoppedAt = salvage.StoppedAt;
        if (hub is not null)
        {
            var fetched = await FetchAsync(hub, nodeId, head, salvage, progress, cancellationToken).ConfigureAwait(false);
            hubHead = fetched.HubHead;
            if (fetched.Records.Count > 0)
            {
                records = [.. records, .. fetched.Records];
                fromHub = fetched.Records.Count;
                head = fetched.Head;
                // Past the hub's head the damaged file may read again (the damage lay in what the hub covered).
                var more = SalvageAfter(path, nodeId, head);
                records.AddRange(more.Chain);
                salvaged += more.Chain.Count;
                head = more.Head;
                stoppedAt = $"{salvage.StoppedAt}; past the hub's head, {more.StoppedAt}";
            }
        }

        var rebuilt = Rebuilding(path);
        DeleteWithSidecars(rebuilt);
        Write(rebuilt, salvage, records);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var damaged = $"{path}.damaged-{stamp}";
        var sha = Convert.ToHexStringLower(await HashFileAsync(path, cancellationToken).ConfigureAwait(false));
        foreach (var suffix in new[] { "-wal", "-shm", "" })
            if (File.Exists(path + suffix))
                File.Move(path + suffix, damaged + suffix);
        File.Move(rebuilt, path);
        return new JournalRebuild(damaged, sha, salvaged + salvage.Kept.Count, fromHub, hubHead, head.Sequence, reason, stoppedAt);
    }

    /// <summary>What the hub holds of <paramref name="nodeId"/>'s stream, read back over <paramref name="client"/>.</summary>
    public static HubReadBack ReadBackFrom(AuditSync.AuditSyncClient client, string nodeId, string site) =>
        (from, ct) => ReadBackAsync(client, nodeId, site, from, ct);

    private static async IAsyncEnumerable<ReadBackReply> ReadBackAsync(AuditSync.AuditSyncClient client, string nodeId, string site, long from,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var call = client.ReadBack(new ReadBackRequest { NodeId = nodeId, Site = site, FromSeq = (ulong)from }, cancellationToken: ct);
        await foreach (var reply in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
            yield return reply;
    }

    /// <summary>
    /// Finishes a rebuild that stopped between its two renames (the damaged file moved aside, the rebuilt one not yet in
    /// its place): the rebuilt file is complete by then, so it becomes the journal. Returns whether there was one. Call it
    /// before opening the journal, so that a crash there never leaves the node to start an empty journal.
    /// </summary>
    public static bool CompleteInterrupted(string path)
    {
        var rebuilt = Rebuilding(path);
        if (File.Exists(path) || !File.Exists(rebuilt))
            return false;
        File.Move(rebuilt, path);
        return true;
    }

    private static string Rebuilding(string path) => path + ".rebuilding";

    /// <summary>What the damaged file still gives: its pruning state, the kept records below the boundary, and the chain
    /// after it up to the first row that cannot be read or does not verify. <see cref="Unreadable"/>: not even the
    /// pruning state reads, so all of the journal must come from the hub.</summary>
    private sealed record Salvaged(
        List<(string Key, object Value)> Meta, List<(string Device, byte[] State)> PrunedStates, List<Row> Kept, List<Row> Chain, ChainHead Head, string StoppedAt,
        bool Unreadable = false);

    private sealed record Row(long Seq, AuditKind Kind, string Device, string MessageKey, byte[] Canonical, byte[] Hash);

    private static Salvaged Salvage(string path, string nodeId)
    {
        try
        {
            using var c = AuditJournalStore.OpenReader(path);
            var boundary = AuditJournalStore.ReadBoundary(c);
            var meta = ReadPairs(c, "journal_meta", "key, value", r => (r.GetString(0), r.GetValue(1)));
            var states = ReadPairs(c, "pruned_state", "device, state", r => (r.GetString(0), (byte[])r.GetValue(1)));
            var kept = new List<Row>();
            foreach (var stored in AuditJournalStore.ReadKeptBelow(c, boundary.Through))
            {
                var record = AuditRecordCodec.Decode(stored.Canonical);
                if (record.NodeId != nodeId || !AuditRecordCodec.ComputeHash(stored.Canonical).AsSpan().SequenceEqual(stored.Hash))
                    throw new FormatException($"the kept record {stored.Seq} below the pruned boundary does not verify");
                kept.Add(new Row(stored.Seq, record.Kind, record.Device, record.MessageKey, stored.Canonical, stored.Hash));
            }
            var after = SalvageAfter(c, nodeId, boundary.Head);
            return new Salvaged(meta, states, kept, after.Chain, after.Head, after.StoppedAt);
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or FormatException or Mesh.Protocol.AuditFormatException)
        {
            return new Salvaged([], [], [], [], ChainHead.Genesis, $"its pruning state and kept records cannot be read ({ex.Message})", Unreadable: true);
        }
    }

    private static (List<Row> Chain, ChainHead Head, string StoppedAt) SalvageAfter(string path, string nodeId, ChainHead from)
    {
        try
        {
            using var c = AuditJournalStore.OpenReader(path);
            return SalvageAfter(c, nodeId, from);
        }
        catch (SqliteException ex)
        {
            return ([], from, $"the file cannot be opened: {ex.Message}");
        }
    }

    /// <summary>Rows after <paramref name="from"/> that follow it in the chain, one by one until a row cannot be read or does not verify.</summary>
    private static (List<Row> Chain, ChainHead Head, string StoppedAt) SalvageAfter(SqliteConnection c, string nodeId, ChainHead from)
    {
        var chain = new List<Row>();
        var head = from;
        try
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT seq, canonical, hash FROM audit WHERE seq > $after ORDER BY seq";
            cmd.Parameters.AddWithValue("$after", from.Sequence);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var canonical = (byte[])r[1];
                var hash = (byte[])r[2];
                AuditRecord record;
                try
                {
                    record = AuditRecordCodec.Decode(canonical) with { Hash = hash };
                }
                catch (Mesh.Protocol.AuditFormatException ex)
                {
                    return (chain, head, $"record {r.GetInt64(0)} does not decode: {ex.Message}");
                }
                var step = ChainVerifier.Step(head, record, canonical, nodeId);
                if (!step.Ok)
                    return (chain, head, $"record {record.Sequence}: {step.Problem}: {step.Reason}");
                chain.Add(new Row(record.Sequence, record.Kind, record.Device, record.MessageKey, canonical, hash));
                head = step.Head;
            }
            return (chain, head, "the end of the file");
        }
        catch (SqliteException ex)
        {
            return (chain, head, $"the row after sequence {head.Sequence} cannot be read (SQLite error {ex.SqliteErrorCode})");
        }
    }

    private sealed record Fetched(List<Row> Records, ChainHead Head, long HubHead);

    /// <summary>The hub's records after <paramref name="head"/>, checked to continue this journal's chain; the hub's
    /// record at <paramref name="head"/> (or its head, when it holds less) must be this journal's.</summary>
    private static async Task<Fetched> FetchAsync(HubReadBack hub, string nodeId, ChainHead head, Salvaged salvage, Action<long, long>? progress,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FetchIdleLimit);
        var records = new List<Row>();
        var current = head;
        long hubHead = -1;
        try
        {
            await foreach (var reply in hub(Math.Max(head.Sequence, 1), timeout.Token).ConfigureAwait(false))
            {
                if (hubHead < 0)
                {
                    hubHead = (long)reply.HubHeadSeq;
                    if (hubHead < head.Sequence && hubHead > 0)
                        CheckHubHead(hubHead, reply.HubHeadHash.Span, salvage);
                }
                foreach (var envelope in reply.Records)
                {
                    var canonical = envelope.Canonical.ToByteArray();
                    AuditRecord record;
                    try
                    {
                        record = AuditRecordCodec.Decode(canonical) with { Hash = envelope.Hash.ToByteArray() };
                    }
                    catch (Mesh.Protocol.AuditFormatException ex)
                    {
                        throw new JournalRecoveryException($"the hub sent a record after sequence {current.Sequence} that does not decode ({ex.Message}); nothing was changed");
                    }
                    if (record.Sequence == head.Sequence && head.Sequence > 0)
                    {
                        if (!record.Hash.Span.SequenceEqual(head.Hash.Span))
                            throw Forked(head.Sequence, record.Hash.Span, head.Hash.Span);
                        continue;
                    }
                    var step = ChainVerifier.Step(current, record, canonical, nodeId);
                    if (!step.Ok)
                        throw new JournalRecoveryException($"the hub's record {record.Sequence} does not continue this journal's chain ({step.Problem}: {step.Reason}); nothing was changed");
                    records.Add(new Row(record.Sequence, record.Kind, record.Device, record.MessageKey, canonical, envelope.Hash.ToByteArray()));
                    current = step.Head;
                }
                progress?.Invoke(records.Count, hubHead);
                timeout.CancelAfter(FetchIdleLimit);
            }
        }
        catch (Exception ex) when (ex is Grpc.Core.RpcException or OperationCanceledException or HttpRequestException
            && !cancellationToken.IsCancellationRequested)
        {
            throw new JournalRecoveryException($"cannot read back this node's records from the hub ({ex.Message}); "
                + "the damaged journal is left as it is and the node tries again at its next start: bring the hub back within reach", ex);
        }
        return new Fetched(records, current, hubHead);
    }

    private static void CheckHubHead(long hubHead, ReadOnlySpan<byte> hubHash, Salvaged salvage)
    {
        var ours = salvage.Chain.Find(r => r.Seq == hubHead);
        if (ours is not null && !hubHash.SequenceEqual(ours.Hash))
            throw Forked(hubHead, hubHash, ours.Hash);
    }

    private static JournalRecoveryException Forked(long sequence, ReadOnlySpan<byte> hubs, ReadOnlySpan<byte> ours) =>
        new($"the hub holds another record {sequence} of this node than its journal ({ChainVerifier.Hex(hubs)} against {ChainVerifier.Hex(ours)}): "
            + "the histories forked; nothing was changed. Compare the two with 'mesh audit verify' before doing anything else");

    private static void Write(string path, Salvaged salvage, List<Row> chain)
    {
        using (var c = AuditJournalStore.OpenWriter(path))
        {
            using (var tx = c.BeginTransaction())
            {
                using var insert = c.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = AuditJournalStore.InsertSql;
                var p = new[] { "$seq", "$kind", "$device", "$key", "$canonical", "$hash" }
                    .Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
                foreach (var row in salvage.Kept.Concat(chain))
                {
                    p[0].Value = row.Seq;
                    p[1].Value = (int)row.Kind;
                    p[2].Value = row.Device;
                    p[3].Value = row.MessageKey;
                    p[4].Value = row.Canonical;
                    p[5].Value = row.Hash;
                    insert.ExecuteNonQuery();
                }
                Copy(c, tx, "INSERT INTO journal_meta (key, value) VALUES ($a, $b)", salvage.Meta.Select(m => (m.Key, m.Value)));
                Copy(c, tx, "INSERT INTO pruned_state (device, state) VALUES ($a, $b)", salvage.PrunedStates.Select(s => (s.Device, (object)s.State)));
                tx.Commit();
            }
            using var fold = c.CreateCommand();
            fold.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            fold.ExecuteNonQuery();
        }
        DeleteSidecars(path);
    }

    private static void Copy(SqliteConnection c, SqliteTransaction tx, string sql, IEnumerable<(string A, object B)> rows)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        var a = cmd.Parameters.Add(new SqliteParameter { ParameterName = "$a" });
        var b = cmd.Parameters.Add(new SqliteParameter { ParameterName = "$b" });
        foreach (var (key, value) in rows)
        {
            a.Value = key;
            b.Value = value;
            cmd.ExecuteNonQuery();
        }
    }

    private static List<T> ReadPairs<T>(SqliteConnection c, string table, string columns, Func<SqliteDataReader, T> read)
    {
        if (!AuditJournalStore.HasTable(c, table))
            return [];
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {columns} FROM {table}";
        using var r = cmd.ExecuteReader();
        var rows = new List<T>();
        while (r.Read())
            rows.Add(read(r));
        return rows;
    }

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file, ct).ConfigureAwait(false);
    }

    private static void DeleteWithSidecars(string path)
    {
        File.Delete(path);
        DeleteSidecars(path);
    }

    private static void DeleteSidecars(string path)
    {
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");
    }
}
