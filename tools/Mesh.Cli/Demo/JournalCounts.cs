using Mesh.Node.Audit;
using Mesh.Protocol.Audit;

namespace Mesh.Cli.Demo;

/// <summary>What a node's journal holds, by kind, and which readings it observed.</summary>
public sealed record JournalCounts(long Records, long Observations, long Decisions, long Actions, long Rejections, IReadOnlyCollection<string> ObservationKeys, long DuplicateObservations)
{
    public static JournalCounts Read(string journalPath)
    {
        using var c = AuditJournalStore.OpenReader(journalPath);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        long duplicates = 0;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT message_key FROM audit WHERE kind = $k";
            cmd.Parameters.AddWithValue("$k", (int)AuditKind.Observation);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                if (!keys.Add(r.GetString(0)))
                    duplicates++;
        }
        return new JournalCounts(
            AuditJournalStore.Count(c),
            keys.Count + duplicates,
            AuditJournalStore.Count(c, AuditKind.Decision),
            AuditJournalStore.Count(c, AuditKind.Action),
            AuditJournalStore.Count(c, AuditKind.Rejected),
            keys,
            duplicates);
    }

    /// <summary>Whether every record of the journal after <paramref name="seq"/> is a signed checkpoint: what a running
    /// node may write after its records were compared with the hub (a timed checkpoint), and the only thing that may.</summary>
    public static bool OnlyCheckpointsAfter(string journalPath, long seq)
    {
        using var c = AuditJournalStore.OpenReader(journalPath);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM audit WHERE seq > $seq AND kind <> $k";
        cmd.Parameters.AddWithValue("$seq", seq);
        cmd.Parameters.AddWithValue("$k", (int)AuditKind.Checkpoint);
        return (long)cmd.ExecuteScalar()! == 0;
    }

    /// <summary>Acknowledged readings that have no Observation record (must be none).</summary>
    public IReadOnlyList<string> Missing(IEnumerable<KeyValuePair<(string Site, string Device), IReadOnlyList<long>>> acked) =>
        acked.SelectMany(kv => kv.Value.Select(seq => $"{kv.Key.Device}#{seq}"))
             .Where(key => !ObservationKeys.Contains(key))
             .ToList();
}
