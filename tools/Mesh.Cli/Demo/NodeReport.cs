using Mesh.Cli.Audit;
using Mesh.Cli.Sim;

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
    IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;

    public static async Task<NodeReport> BuildAsync(LocalNode node, SimulationResult sim, LocalHub hub, CancellationToken ct)
    {
        var journal = JournalCounts.Read(node.JournalPath);
        var missing = journal.Missing(sim.AckedSeqs);
        var local = AuditChainChecker.VerifyJournalFile(node.JournalPath, node.NodeId, ct: ct);
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
        if (hubRecords != journal.Records)
            problems.Add($"the hub holds {hubRecords} records, the journal {journal.Records}");
        return new NodeReport(node.NodeId, node.Site, sim, journal, hubRecords, missing, local, atHub, problems);
    }
}
