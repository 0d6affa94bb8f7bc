using Mesh.Protocol.Audit;
using Microsoft.Data.Sqlite;

namespace Mesh.Cli.Audit;

/// <summary>
/// Verifies audit hash chains offline, record by record from genesis, with the same
/// <see cref="ChainVerifier"/> the node and the hub use: from a node's journal file (this file), or
/// from what a hub serves (<c>AuditChainChecker.Hub.cs</c>). Problems come back in the result, not as
/// exceptions, so that one bad chain does not hide the others.
/// </summary>
public static partial class AuditChainChecker
{
    /// <summary>Progress is reported after every this many verified records.</summary>
    public const int ProgressEvery = 10_000;

    /// <summary>
    /// Verifies a node's journal (<c>audit.db</c>), opened read-only so a running node is not disturbed.
    /// </summary>
    /// <param name="nodeId">The node the chain must belong to; null to take the first record's node.</param>
    /// <param name="onVerified">Called with each record once it has verified, in order (replay reads the chain this way).</param>
    /// <param name="expected">The node's key, which its checkpoints must be signed by; null to take the first checkpoint's.</param>
    public static ChainCheckResult VerifyJournalFile(string path, string? nodeId = null, IProgress<ChainCheckProgress>? progress = null, CancellationToken ct = default,
        Action<AuditRecord>? onVerified = null, ExpectedKey? expected = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = $"journal {path}";
        var walk = new ChainWalk(nodeId, progress, onVerified, expected: expected);
        if (!File.Exists(path))
            return Result(walk, source, $"no such file: {path} (a node keeps its journal as audit.db in its data directory)");
        try
        {
            var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
            using var connection = new SqliteConnection(cs.ToString());
            connection.Open();
            // A pruned journal verifies from its boundary: the hash of the last pruned record, kept for that.
            var boundary = Mesh.Node.Audit.AuditJournalStore.ReadBoundary(connection);
            walk = new ChainWalk(nodeId, progress, onVerified, boundary.Pruned ? boundary.Head : null, expected);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, canonical, hash FROM audit ORDER BY seq";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                var seq = reader.GetInt64(0);
                var ok = seq <= boundary.Through
                    ? walk.CheckKept(seq, (byte[])reader[1], (byte[])reader[2])
                    : walk.Step(seq, (byte[])reader[1], (byte[])reader[2]);
                if (!ok)
                    break;
            }
        }
        catch (SqliteException ex)
        {
            return Result(walk, source, $"cannot read {path} as a node's audit journal: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return Result(walk, source, $"{path} has an unreadable pruned boundary: {ex.Message}");
        }
        catch (InvalidCastException ex)
        {
            return Result(walk, source, $"{path} has an audit table of an unexpected shape: {ex.Message}");
        }
        return Result(walk, source, null);
    }

    private static ChainCheckResult Result(ChainWalk walk, string source, string? error) => new()
    {
        NodeId = walk.NodeId ?? "",
        Source = source,
        Verdict = walk.Verdict,
        Error = error,
        PrunedThrough = walk.StartedAfter,
        KeptBelow = walk.KeptBelow,
        LastCheckpoint = walk.Checkpoints.Last,
        Unsigned = walk.Unsigned,
        Expected = walk.Expected,
    };
}
