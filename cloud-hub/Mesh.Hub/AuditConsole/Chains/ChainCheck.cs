using System.Collections.Concurrent;
using System.Diagnostics;
using Mesh.Hub.Storage;
using Mesh.Protocol;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.AuditConsole.Chains;

/// <summary>
/// Verifies a node's chain as the hub stores it, from genesis: every record's SHA-256 against its canonical bytes, its
/// link to the record before, its sequence and its owner. The hub verified each record when it arrived; this check
/// finds what changed in the database since (a record edited or replaced by someone with access to the store). Each
/// signed checkpoint is checked too, against the node's pinned key (<see cref="CheckpointTracker"/>).
/// Remembers each node's last result for the Chains page.
/// </summary>
public sealed class ChainCheck(HubStore store, TimeProvider clock)
{
    private const int PageSize = 5000;
    private readonly ConcurrentDictionary<string, ChainCheckResult> _last = new(StringComparer.Ordinal);

    public ChainCheckResult? Last(string nodeId) => _last.GetValueOrDefault(nodeId);

    public ChainCheckResult Run(string nodeId)
    {
        var started = Stopwatch.StartNew();
        var head = ChainHead.Genesis;
        long verified = 0;
        ChainVerdict? bad = null;
        var checkpoints = new CheckpointTracker(store.FindNodeKey(nodeId)?.Fingerprint, "the key the hub pinned for this node");
        while (bad is null)
        {
            var page = store.ReadRecords(nodeId, head.Sequence, PageSize);
            if (page.Count == 0)
                break;
            foreach (var stored in page)
            {
                AuditRecord record;
                try
                {
                    record = AuditRecordCodec.Decode(stored.Canonical) with { Hash = stored.Hash };
                }
                catch (AuditFormatException ex)
                {
                    bad = new ChainVerdict(ChainProblem.Malformed, head, verified, stored.Sequence, $"the stored bytes do not decode: {ex.Message}");
                    break;
                }
                var step = ChainVerifier.Step(head, record, stored.Canonical, nodeId);
                if (!step.Ok)
                {
                    bad = step with { Verified = verified };
                    break;
                }
                if (checkpoints.Observe(record, head, verified) is { } forged)
                {
                    bad = forged;
                    break;
                }
                head = step.Head;
                verified++;
            }
        }
        bad ??= checkpoints.Finish(head, verified);
        var result = new ChainCheckResult(nodeId, bad ?? ChainVerdict.Good(head, verified), clock.GetUtcNow().UtcDateTime, started.Elapsed,
            checkpoints.Last, checkpoints.UnsignedAfter(head));
        _last[nodeId] = result;
        return result;
    }
}

/// <param name="LastCheckpoint">The last signed checkpoint that verified; null when there is none.</param>
/// <param name="Unsigned">Records after it (or all, without one): the open tail the node has not signed yet.</param>
public sealed record ChainCheckResult(string NodeId, ChainVerdict Verdict, DateTime AtUtc, TimeSpan Took, SignedCheckpoint? LastCheckpoint = null, long Unsigned = 0)
{
    /// <summary>Whether the check failed on a checkpoint (forged, rewritten tail, replaced journal).</summary>
    public bool CheckpointBad => Verdict.Problem is ChainProblem.ForgedCheckpoint or ChainProblem.RewrittenTail or ChainProblem.ReplacedJournal;
}
