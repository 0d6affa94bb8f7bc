using System.Text.Json;
using Mesh.Node.Agents;
using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>
/// The pruned start of a journal. Records 1..N the hub acknowledged may be deleted to keep the file within its disk
/// budget; <c>journal_meta</c> keeps the boundary (N and record N's hash, from which the chain goes on verifying) and
/// <c>pruned_state</c> each device's state as of record N (what the deleted records had built), so that recovery,
/// redelivery checks and replay continue from it. Node-level records (kind 5 and up: policies, approvals, models,
/// take-overs, backlog) are never deleted: the runtime looks them up by key.
/// </summary>
public static partial class AuditJournalStore
{
    /// <summary>The write-ahead log is truncated to this after a checkpoint.</summary>
    internal const long WalSizeLimit = 4L * 1024 * 1024;

    /// <summary>Kinds below this are pruned; the rest are kept for the runtime.</summary>
    internal const int FirstKeptKind = (int)AuditKind.PolicyActivated;

    private const string PrunedThroughKey = "pruned_through";
    private const string PrunedHashKey = "pruned_hash";
    private const string PrunedRecordsKey = "pruned_records";
    private const string HubAckedKey = "hub_acked";
    private const string SpendDayKey = "pruned_spend_day";
    private const string SpendMicrosKey = "pruned_spend_micros";

    private const string PruningSchema = """
        CREATE TABLE IF NOT EXISTS journal_meta (key TEXT PRIMARY KEY, value NOT NULL);
        CREATE TABLE IF NOT EXISTS pruned_state (device TEXT PRIMARY KEY, state BLOB NOT NULL);
        """;

    /// <summary>Bytes of the journal's pages in use: (page_count − freelist_count) × page_size. Pages freed by pruning
    /// stop counting at once and are reused; with auto_vacuum they also leave the file.</summary>
    public static long UsedBytes(SqliteConnection c) =>
        (Scalar(c, "PRAGMA page_count") - Scalar(c, "PRAGMA freelist_count")) * Scalar(c, "PRAGMA page_size");

    /// <summary>The journal's pruned boundary; <see cref="JournalBoundary.None"/> when it was never pruned (or predates pruning).</summary>
    public static JournalBoundary ReadBoundary(SqliteConnection c)
    {
        if (!HasTable(c, "journal_meta"))
            return JournalBoundary.None;
        var through = ReadMetaLong(c, PrunedThroughKey);
        if (through <= 0)
            return JournalBoundary.None;
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM journal_meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", PrunedHashKey);
        var hash = cmd.ExecuteScalar() as byte[]
            ?? throw new InvalidOperationException($"journal_meta says records 1..{through} were pruned but holds no boundary hash");
        return new JournalBoundary(through, hash, ReadMetaLong(c, PrunedRecordsKey));
    }

    /// <summary>The hub's acknowledged sequence as of the last pruning (0 when unknown).</summary>
    public static long ReadHubAcked(SqliteConnection c) => HasTable(c, "journal_meta") ? ReadMetaLong(c, HubAckedKey) : 0;

    /// <summary>The model spending recorded in pruned Observation records on the latest UTC day they cover:
    /// (day as yyyyMMdd, micro-USD); (0, 0) when none.</summary>
    public static (long Day, long Micros) ReadPrunedSpend(SqliteConnection c) =>
        HasTable(c, "journal_meta") ? (ReadMetaLong(c, SpendDayKey), ReadMetaLong(c, SpendMicrosKey)) : (0, 0);

    /// <summary>A device's state as of the pruned boundary, or null when no pruned record was the device's.</summary>
    public static DeviceState? ReadPrunedState(SqliteConnection c, string device)
    {
        if (!HasTable(c, "pruned_state"))
            return null;
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT state FROM pruned_state WHERE device = $d";
        cmd.Parameters.AddWithValue("$d", device);
        return cmd.ExecuteScalar() is byte[] bytes ? DecodeState(bytes) : null;
    }

    /// <summary>Every device's state as of the pruned boundary.</summary>
    public static Dictionary<string, DeviceState> ReadPrunedStates(SqliteConnection c)
    {
        var states = new Dictionary<string, DeviceState>(StringComparer.Ordinal);
        if (!HasTable(c, "pruned_state"))
            return states;
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT device, state FROM pruned_state";
        using var r = cmd.ExecuteReader();
        while (r.Read())
            states[r.GetString(0)] = DecodeState((byte[])r[1]);
        return states;
    }

    /// <summary>Kept node-level records at or below <paramref name="through"/>, in sequence order.</summary>
    public static List<StoredRecord> ReadKeptBelow(SqliteConnection c, long through)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, canonical, hash FROM audit WHERE kind >= 5 AND seq <= $through ORDER BY seq";
        cmd.Parameters.AddWithValue("$through", through);
        using var r = cmd.ExecuteReader();
        var rows = new List<StoredRecord>();
        while (r.Read())
            rows.Add(new StoredRecord(r.GetInt64(0), (byte[])r[1], (byte[])r[2]));
        return rows;
    }

    /// <summary>Deletes the prunable records in (<paramref name="from"/>, boundary.Through] and moves the boundary there,
    /// with the devices' states as of it, inside <paramref name="tx"/>. Returns the rows deleted.</summary>
    internal static int WritePruned(SqliteConnection c, SqliteTransaction tx, long from, JournalBoundary boundary, long hubAcked,
        IEnumerable<KeyValuePair<string, DeviceState>> states, (long Day, long Micros) spend)
    {
        int deleted;
        using (var delete = c.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM audit WHERE seq > $from AND seq <= $to AND kind < $kept";
            delete.Parameters.AddWithValue("$from", from);
            delete.Parameters.AddWithValue("$to", boundary.Through);
            delete.Parameters.AddWithValue("$kept", FirstKeptKind);
            deleted = delete.ExecuteNonQuery();
        }
        using (var state = c.CreateCommand())
        {
            state.Transaction = tx;
            state.CommandText = "INSERT INTO pruned_state (device, state) VALUES ($d, $s) ON CONFLICT(device) DO UPDATE SET state = excluded.state";
            var device = state.Parameters.Add(new SqliteParameter { ParameterName = "$d" });
            var bytes = state.Parameters.Add(new SqliteParameter { ParameterName = "$s" });
            foreach (var (id, s) in states)
            {
                device.Value = id;
                bytes.Value = EncodeState(s);
                state.ExecuteNonQuery();
            }
        }
        WriteMeta(c, tx, PrunedThroughKey, boundary.Through);
        WriteMeta(c, tx, PrunedHashKey, boundary.Hash.ToArray());
        WriteMeta(c, tx, PrunedRecordsKey, boundary.PrunedRecords);
        WriteMeta(c, tx, HubAckedKey, hubAcked);
        WriteMeta(c, tx, SpendDayKey, spend.Day);
        WriteMeta(c, tx, SpendMicrosKey, spend.Micros);
        return deleted;
    }

    /// <summary>Keeps the write-ahead log within a quarter of <paramref name="budgetBytes"/> (at most the default 1000 pages
    /// and <see cref="WalSizeLimit"/>): checkpointed sooner and truncated to that after each checkpoint.</summary>
    internal static void LimitWal(SqliteConnection c, long budgetBytes)
    {
        var quarter = Math.Min(WalSizeLimit, budgetBytes / 4);
        var pages = Math.Clamp(quarter / Scalar(c, "PRAGMA page_size"), 16, 1000);
        Exec(c, $"PRAGMA wal_autocheckpoint={pages};");
        Exec(c, $"PRAGMA journal_size_limit={quarter};");
    }

    /// <summary>Gives pages freed by pruning back to the file system (a no-op on journals created before pruning
    /// existed, whose freed pages are reused instead), then checkpoints and truncates the write-ahead log.</summary>
    internal static void Shrink(SqliteConnection c)
    {
        Exec(c, "PRAGMA incremental_vacuum;");
        // Best effort: a reader in the middle of a statement keeps the log until its next checkpoint.
        Exec(c, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    internal static byte[] EncodeState(DeviceState state) =>
        JsonSerializer.SerializeToUtf8Bytes(DeviceSnapshot.From(state, 0), DeviceEventJson.Default.DeviceSnapshot);

    internal static DeviceState DecodeState(byte[] bytes) =>
        (JsonSerializer.Deserialize(bytes, DeviceEventJson.Default.DeviceSnapshot)
            ?? throw new JsonException("a pruned device state decoded to nothing")).ToState();

    private static void WriteMeta(SqliteConnection c, SqliteTransaction tx, string key, object value)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO journal_meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    private static long ReadMetaLong(SqliteConnection c, string key)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM journal_meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() is long value ? value : 0;
    }

    internal static bool HasTable(SqliteConnection c, string table)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $t";
        cmd.Parameters.AddWithValue("$t", table);
        return cmd.ExecuteScalar() is not null;
    }

    private static long Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
