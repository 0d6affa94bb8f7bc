using Mesh.Node.Agents;
using Mesh.Node.Replay;
using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>
/// Prunes the oldest records the hub acknowledged, on the journal's writer thread (it shares the writer's connection).
/// Each chunk is folded into the devices' states first — the decision core again, under the policies the records name,
/// exactly as recovery and replay do — then deleted, and the boundary, its hash and those states are stored, all in one
/// transaction: a crash leaves either the old boundary or the new one, never records missing from both.
/// </summary>
internal sealed class JournalPruner
{
    private const int MinChunkRecords = 16;
    private const int MaxChunkRecords = 5000;
    private readonly SqliteConnection _conn;
    private readonly int _window;
    private Dictionary<string, DeviceState> _states;
    private (long Day, long Micros) _spend;
    private JournalBoundary _boundary;
    private ReplayEngine? _engine;

    public JournalPruner(SqliteConnection conn, int redeliveryWindow)
    {
        _conn = conn;
        _window = redeliveryWindow;
        _boundary = AuditJournalStore.ReadBoundary(conn);
        _spend = AuditJournalStore.ReadPrunedSpend(conn);
        // Loaded here, not lazily: the redelivery check runs inside the writer's transactions.
        _states = _boundary.Pruned ? AuditJournalStore.ReadPrunedStates(conn) : new(StringComparer.Ordinal);
    }

    /// <summary>Read from any thread; written by the writer thread after a chunk commits.</summary>
    public JournalBoundary Boundary => Volatile.Read(ref _boundary);

    /// <summary>The devices' states as of the boundary (the writer thread only).</summary>
    private Dictionary<string, DeviceState> States => _states;

    /// <summary>True when the draft's reading was recorded and then pruned: a device agent re-submits the records of a
    /// redelivered reading among its last <c>RedeliveryWindow</c>, and so does the boundary state, so a reading agents
    /// can re-submit is known here exactly. Keeps a redelivery from writing a pruned reading a second time.</summary>
    public bool WasPruned(AuditDraft draft)
    {
        if (!Boundary.Pruned || draft.Kind is not (AuditKind.Observation or AuditKind.Decision or AuditKind.Action))
            return false;
        var key = draft.MessageKey;
        var slash = key.IndexOf('/');
        if (slash >= 0)
            key = key[..slash];
        var hash = key.LastIndexOf('#');
        return hash > 0 && long.TryParse(key.AsSpan(hash + 1), out var seq)
            && States.TryGetValue(key[..hash], out var state) && state.FindRecent(seq) is not null;
    }

    /// <summary>Prunes one chunk — the oldest records up to <paramref name="limit"/> (at most the hub's acknowledged
    /// sequence), sized from <paramref name="bytesOverTarget"/> and <paramref name="bytesPerRecord"/> so that no more goes
    /// than the target needs — then gives the freed pages back. One chunk per call keeps the writer's appends flowing
    /// between chunks. Returns how many records it deleted.</summary>
    public int PruneOnce(long limit, long hubAcked, long bytesOverTarget, double bytesPerRecord)
    {
        if (limit <= Boundary.Through || bytesOverTarget <= 0)
            return 0;
        var chunk = (long)Math.Clamp(bytesOverTarget / Math.Max(1, bytesPerRecord) + 1, MinChunkRecords, MaxChunkRecords);
        try
        {
            _engine ??= NewEngine();
            var deleted = PruneChunk(_engine, Math.Min(limit, Boundary.Through + chunk), hubAcked);
            AuditJournalStore.Shrink(_conn);
            return deleted;
        }
        catch
        {
            // The engine may have folded records that did not commit: the next chunk starts from the stored states.
            _engine = null;
            throw;
        }
    }

    /// <summary>The pruning episode is over: drop the folding engine (and the policies it parsed) until the next.</summary>
    public void EndEpisode() => _engine = null;

    /// <summary>A decision core over the states as of the boundary, knowing every policy the journal kept below it.</summary>
    private ReplayEngine NewEngine()
    {
        var engine = new ReplayEngine(redeliveryWindow: _window, startStates: States);
        foreach (var policy in AuditJournalStore.ReadAllOfKind(_conn, AuditKind.PolicyActivated))
            if (policy.Sequence <= Boundary.Through)
                engine.Learn(policy);
        return engine;
    }

    private int PruneChunk(ReplayEngine engine, long to, long hubAcked)
    {
        var from = Boundary.Through;
        // Above the boundary the journal is gap-free, so these are exactly from+1..to.
        var rows = AuditJournalStore.ReadAfter(_conn, from, (int)(to - from));
        if (rows.Count == 0)
            return 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var prunable = 0;
        var spend = _spend;
        foreach (var row in rows)
        {
            var record = AuditRecordCodec.Decode(row.Canonical) with { Hash = row.Hash };
            engine.Feed(record);
            if (record.Device.Length > 0)
                touched.Add(record.Device);
            if ((int)record.Kind < AuditJournalStore.FirstKeptKind)
                prunable++;
            if (record.Kind == AuditKind.Observation && record.Route.Model.Length > 0)
                spend = AddSpend(spend, record);
        }
        var boundary = new JournalBoundary(rows[^1].Seq, rows[^1].Hash, Boundary.PrunedRecords + prunable);
        var states = touched.Where(engine.States.ContainsKey).Select(d => KeyValuePair.Create(d, engine.States[d])).ToList();
        using (var tx = _conn.BeginTransaction())
        {
            AuditJournalStore.WritePruned(_conn, tx, from, boundary, hubAcked, states, spend);
            tx.Commit();
        }
        foreach (var (device, state) in states)
            States[device] = state;
        _spend = spend;
        Volatile.Write(ref _boundary, boundary);
        return prunable;
    }

    /// <summary>Adds the record's model costs to the running total of its UTC day (a later day starts a new total).</summary>
    private static (long Day, long Micros) AddSpend((long Day, long Micros) spend, AuditRecord record)
    {
        var utc = DateTimeOffset.FromUnixTimeMilliseconds(record.Hlc.WallMillis).UtcDateTime;
        var day = utc.Year * 10_000L + utc.Month * 100 + utc.Day;
        if (day < spend.Day)
            return spend;
        if (day > spend.Day)
            spend = (day, 0);
        ObservationRecord.Read(record, out _, out var inference);
        foreach (var run in inference.Runs)
            spend.Micros += run.Route.CostMicros;
        return spend;
    }
}
