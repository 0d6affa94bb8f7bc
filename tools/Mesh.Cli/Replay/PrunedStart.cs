using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Cli.Replay;

/// <summary>Where replay of a pruned journal starts: its boundary, each device's state as of it, and the policies the
/// journal kept below it (the readings after the boundary name them).</summary>
internal sealed record PrunedStart(JournalBoundary Boundary, IReadOnlyDictionary<string, DeviceState> States, IReadOnlyList<AuditRecord> Policies)
{
    /// <summary>The journal's pruned start, or null when it was never pruned or cannot be read (the chain check says why).</summary>
    public static PrunedStart? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var c = AuditJournalStore.OpenReader(path);
            var boundary = AuditJournalStore.ReadBoundary(c);
            if (!boundary.Pruned)
                return null;
            var policies = AuditJournalStore.ReadKeptBelow(c, boundary.Through)
                .Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash })
                .Where(r => r.Kind == AuditKind.PolicyActivated)
                .ToList();
            return new PrunedStart(boundary, AuditJournalStore.ReadPrunedStates(c), policies);
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or System.Text.Json.JsonException or AuditFormatException)
        {
            return null;
        }
    }
}
