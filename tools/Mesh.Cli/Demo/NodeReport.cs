using Mesh.Cli.Audit;
using Mesh.Cli.Sim;
using Mesh.Node;
using Mesh.Node.Replay;

namespace Mesh.Cli.Demo;

/// <summary>The demo's accounting for one node: what was sent, what the journal holds, what the hub holds.</summary>
public sealed record NodeReport(
    string NodeId,
    string Site,
    SimulationResult Sim,
    JournalCounts Journal,
    long HubRecords,
    IReadOnlyList<string> Missing,
    ChainCheckResult LocalChain,
    ChainCheckResult HubChain,
    string PolicyRef,
    NodeStatsView Stats,
    ReplayReport Replay,
    RouteMix Routes,
    IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;

    public static async Task<NodeReport> BuildAsync(LocalNode node, SimulationResult sim, LocalHub hub, CancellationToken ct)
    {
        var journal = JournalCounts.Read(node.JournalPath);
        var missing = journal.Missing(sim.AckedSeqs);
        var replay = new ReplayEngine();
        var routes = new RouteMix();
        var local = AuditChainChecker.VerifyJournalFile(node.JournalPath, node.NodeId, ct: ct, onVerified: r =>
        {
            replay.Feed(r);
            routes.Feed(r);
        });
        var replayed = replay.Finish();
        var stats = NodeStatsView.Of(node.Stats);
        var atHub = await AuditChainChecker.VerifyHubAsync(hub.Http, node.NodeId, ct: ct).ConfigureAwait(false);
        var problems = new List<string>();
        if (!sim.AllValidAcknowledged)
            problems.Add($"{sim.AttemptedValid - sim.Acknowledged} valid readings were never acknowledged");
        if (missing.Count > 0)
            problems.Add($"{missing.Count} acknowledged readings have no observation record, e.g. {string.Join(", ", missing.Take(5))}");
        if (journal.DuplicateObservations > 0)
            problems.Add($"{journal.DuplicateObservations} readings were recorded more than once");
        if (journal.Observations != sim.Acknowledged)
            problems.Add($"{journal.Observations} observations recorded for {sim.Acknowledged} acknowledged readings");
        if (!local.Ok)
            problems.Add("journal: " + local.Describe());
        if (!atHub.Ok)
            problems.Add("hub: " + atHub.Describe());
        var hubRecords = atHub.Verdict.Head.Sequence;
        if (hubRecords > journal.Records || (hubRecords < journal.Records && !JournalCounts.OnlyCheckpointsAfter(node.JournalPath, hubRecords)))
            problems.Add($"the hub holds {hubRecords} records, the journal {journal.Records}");
        if (!replayed.Clean)
            problems.Add($"replay: {replayed.Divergences.Count} divergences, {replayed.Problems.Count} problems"
                + (replayed.Problems.Count > 0 ? $", e.g. {replayed.Problems[0]}" : ""));
        if (stats.Settled != stats.ApprovalsRequested)
            problems.Add($"{stats.ApprovalsRequested - stats.Settled} approval requests were never settled");
        return new NodeReport(node.NodeId, node.Site, sim, journal, hubRecords, missing, local, atHub,
            node.Policies.Current.Ref, stats, replayed, routes, problems);
    }
}

/// <summary>A node's counters, read once for the report.</summary>
public sealed record NodeStatsView(long ApprovalsRequested, long ApprovalsGranted, long ApprovalsDenied, long ApprovalsTimedOut, long ApprovalsStale)
{
    public long Settled => ApprovalsGranted + ApprovalsDenied + ApprovalsTimedOut + ApprovalsStale;

    public static NodeStatsView Of(NodeStats s) =>
        new(s.ApprovalsRequested, s.ApprovalsGranted, s.ApprovalsDenied, s.ApprovalsTimedOut, s.ApprovalsStale);
}
