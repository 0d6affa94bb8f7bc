using Mesh.Hub.Storage;
using Mesh.Hub.Telemetry;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Sync;

/// <summary>
/// Applies hellos and batches of one node to the store. Callers hold the node's <see cref="NodeLease"/>,
/// so the head a batch was verified against is still the stored head when it commits.
/// </summary>
public sealed class AuditIngest(HubStore store, IOptions<HubOptions> options, TimeProvider time, ILogger<AuditIngest> logger)
{
    private const int MaxIdLength = 128;

    /// <summary>Checks what a hello must carry before the node's lease is taken.</summary>
    public static SyncRefusal? ValidateHello(SyncHello hello)
    {
        var problem = CheckId("node_id", hello.NodeId) ?? CheckId("site", hello.Site) ?? CheckLabel("profile", hello.Profile) ?? CheckLabel("version", hello.Version);
        return problem is null ? null : SyncRefusal.OfStream(hello.NodeId, SyncProblem.InvalidHello, problem);
    }

    /// <summary>Registers the node (or refreshes it) and returns the head to acknowledge.</summary>
    public IngestResult Hello(SyncHello hello)
    {
        var known = store.FindNode(hello.NodeId);
        if (known is not null && known.Site != hello.Site)
            return IngestResult.Refused(SyncRefusal.OfStream(hello.NodeId, SyncProblem.WrongSite,
                $"the hub knows this node at site '{known.Site}', but the hello says '{hello.Site}'"));
        var node = Store(hello.NodeId, () => store.Touch(hello.NodeId, hello.Site, ToLong(hello.HeadSeq), Now,
            hello.Profile.Length == 0 ? null : hello.Profile, hello.Version.Length == 0 ? null : hello.Version));
        if (node.Node is { } stored)
        {
            HubLog.NodeConnected(logger, stored.NodeId, stored.Site, stored.LastSeq, stored.HeadSeq);
            if (ToLong(hello.LastAckedSeq) > stored.LastSeq)
                HubLog.NodeAheadOfHub(logger, stored.NodeId, hello.LastAckedSeq, stored.LastSeq);
        }
        return node;
    }

    /// <summary>Verifies the whole batch, then stores its new records and the new head in one transaction.
    /// A refused batch stores nothing.</summary>
    public IngestResult Apply(string nodeId, string site, AuditBatch batch) =>
        Apply(nodeId, site, batch.Records.Count, ToLong(batch.HeadSeq),
            head => BatchVerifier.Verify(nodeId, site, head, batch.Records, (from, to) => store.ReadHashes(nodeId, from, to), store.FindNodeKey(nodeId)?.Fingerprint));

    /// <summary>As <see cref="Apply(string, string, AuditBatch)"/>, for records decoded already (the NATS consumer's).</summary>
    /// <param name="nodeHeadSeq">The node's journal head as it last reported it.</param>
    public IngestResult Apply(string nodeId, string site, IReadOnlyList<ReceivedRecord> records, long nodeHeadSeq) =>
        Apply(nodeId, site, records.Count, nodeHeadSeq,
            head => BatchVerifier.Verify(nodeId, site, head, records, (from, to) => store.ReadHashes(nodeId, from, to), store.FindNodeKey(nodeId)?.Fingerprint));

    private IngestResult Apply(string nodeId, string site, int count, long headSeq, Func<ChainHead, BatchVerdict> verify)
    {
        var node = store.FindNode(nodeId) ?? throw new InvalidOperationException($"node {nodeId} has not said hello");
        var max = options.Value.MaxBatchRecords;
        if (count > max)
            return Refuse(nodeId, count, SyncRefusal.AtRecord(nodeId, SyncProblem.BatchTooLarge, node.LastSeq + 1,
                $"the batch holds {count} records; the limit is {max} (Hub:MaxBatchRecords): send smaller batches"));

        var verdict = verify(node.Head);
        if (verdict.Refusal is { } refusal)
            return Refuse(nodeId, count, refusal);
        if (verdict.Resent > 0)
            HubLog.ResendSkipped(logger, nodeId, verdict.Resent);

        if (verdict.NewRecords.Count == 0)
            return Store(nodeId, () => store.Touch(nodeId, site, headSeq, Now));
        var reports = ExtractReports(verdict.NewRecords);
        var result = Store(nodeId, () => store.Append(nodeId, site, node.Head, verdict.NewRecords, headSeq, Now, reports));
        if (result.Refusal is { } failed)
            HubTelemetry.Refused(failed.Problem, count);
        else
        {
            HubTelemetry.RecordsStored.Add(verdict.NewRecords.Count);
            HubTelemetry.BatchesStored.Add(1);
        }
        if (result.Node is not null)
            HubLog.BatchStored(logger, nodeId, verdict.NewRecords.Count, verdict.NewRecords[0].Record.Sequence, verdict.Head.Sequence);
        return result;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The approval and policy facts the new records report; an unusable body is logged and skipped.</summary>
    private List<NodeReports.Report> ExtractReports(IReadOnlyList<RecordToStore> records)
    {
        var reports = new List<NodeReports.Report>();
        foreach (var item in records)
        {
            var report = NodeReportParser.Parse(item.Record, out var problem);
            if (report is not null)
                reports.Add(report);
            else if (problem is not null)
                HubLog.ReportMalformed(logger, item.Record.NodeId, item.Record.Sequence, item.Record.Kind, problem);
        }
        return reports;
    }

    private IngestResult Refuse(string nodeId, int records, SyncRefusal refusal)
    {
        HubTelemetry.Refused(refusal.Problem, records);
        HubLog.SyncRefused(logger, nodeId, refusal.Problem, refusal.FirstBadSequence, refusal.Message);
        return IngestResult.Refused(refusal);
    }

    private IngestResult Store(string nodeId, Func<StoredNode> write)
    {
        try
        {
            return IngestResult.Accepted(write());
        }
        catch (HubStorageException ex)
        {
            HubLog.StorageFailed(logger, nodeId, ex);
            return IngestResult.Refused(SyncRefusal.OfStream(nodeId, SyncProblem.StorageUnavailable,
                "the hub could not store the batch; nothing of it was stored, retry later"));
        }
    }

    private static long ToLong(ulong value) => (long)Math.Min(value, long.MaxValue);

    /// <summary>An optional label a node gives of itself: empty, or as an id must be.</summary>
    private static string? CheckLabel(string field, string value) => value.Length == 0 ? null : CheckId(field, value);

    private static string? CheckId(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return $"{field} is empty";
        if (value.Length > MaxIdLength)
            return $"{field} is {value.Length} characters; the limit is {MaxIdLength}";
        if (value.Any(char.IsControl) || value.Trim() != value)
            return $"{field} '{value}' has control characters or surrounding spaces";
        return null;
    }
}
