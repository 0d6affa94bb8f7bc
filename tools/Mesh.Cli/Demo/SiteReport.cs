using Mesh.Cli.Audit;
using Mesh.Cli.Sim;
using Mesh.Node.Replay;
using Mesh.Protocol.Audit;

namespace Mesh.Cli.Demo;

/// <summary>One member of a multi-node site, as the demo accounts for it: its journal, what the hub holds, its replay.</summary>
public sealed record MemberReport(string NodeId, JournalCounts Journal, long HubRecords, ChainCheckResult LocalChain, ChainCheckResult HubChain,
    ReplayReport Replay, long Takeovers, long Conflicts);

/// <summary>
/// The demo's accounting for a multi-node site: the readings sent to any member's broker against the Observation
/// records of all members' journals together. A reading may be recorded by two members only when the member killed
/// with SIGKILL wrote it and died before acknowledging it (the device sent it again, and the new owner decided it).
/// </summary>
public sealed record SiteReport(string Site, IReadOnlyList<MemberReport> Members, SimulationResult Sim, long Observed, IReadOnlyList<string> Missing,
    long RecordedTwice, RouteMix Routes, long ApprovalsRequested, long ApprovalsSettled, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;

    public long Takeovers => Members.Sum(m => m.Takeovers);

    public static async Task<SiteReport> BuildAsync(string site, IReadOnlyList<SiteMemberProcess> members, string killed, SimulationResult sim, LocalHub hub, CancellationToken ct)
    {
        var reports = new List<MemberReport>();
        var routes = new RouteMix();
        var observedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var requested = new HashSet<string>(StringComparer.Ordinal);
        var settled = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var m in members)
        {
            var replay = new ReplayEngine();
            long takeovers = 0, conflicts = 0;
            var local = AuditChainChecker.VerifyJournalFile(m.JournalPath, m.NodeId, ct: ct, onVerified: r =>
            {
                replay.Feed(r);
                routes.Feed(r);
                switch (r.Kind)
                {
                    case AuditKind.Observation:
                        (observedBy.TryGetValue(r.MessageKey, out var by) ? by : observedBy[r.MessageKey] = []).Add(m.NodeId);
                        break;
                    case AuditKind.ApprovalRequested:
                        requested.Add(r.MessageKey);
                        break;
                    case AuditKind.ApprovalResolved:
                        settled.Add(r.MessageKey);
                        break;
                    case AuditKind.DeviceTakenOver:
                        takeovers++;
                        break;
                    case AuditKind.ConflictResolved:
                        conflicts++;
                        break;
                }
            });
            var atHub = await AuditChainChecker.VerifyHubAsync(hub.Http, m.NodeId, ct: ct).ConfigureAwait(false);
            var journal = JournalCounts.Read(m.JournalPath);
            var member = new MemberReport(m.NodeId, journal, atHub.Verdict.Head.Sequence, local, atHub, replay.Finish(), takeovers, conflicts);
            reports.Add(member);
            if (!local.Ok)
                problems.Add($"{m.NodeId} journal: {local.Describe()}");
            if (!atHub.Ok)
                problems.Add($"{m.NodeId} at the hub: {atHub.Describe()}");
            if (member.HubRecords > journal.Records || (member.HubRecords < journal.Records && !JournalCounts.OnlyCheckpointsAfter(m.JournalPath, member.HubRecords)))
                problems.Add($"the hub holds {member.HubRecords} records of {m.NodeId}, its journal {journal.Records}");
            if (!member.Replay.Clean)
                problems.Add($"{m.NodeId} replay: {member.Replay.Divergences.Count} divergences, {member.Replay.Problems.Count} problems");
        }
        var missing = sim.AckedSeqs.SelectMany(kv => kv.Value.Select(seq => $"{kv.Key.Device}#{seq}")).Where(k => !observedBy.ContainsKey(k)).ToList();
        var twice = observedBy.Where(o => o.Value.Count > 1).ToList();
        var unexplained = twice.Where(t => t.Value.Count != 2 || !t.Value.Contains(killed)).Select(t => t.Key).ToList();
        if (!sim.AllValidAcknowledged)
            problems.Add($"{sim.AttemptedValid - sim.Acknowledged} valid readings were never acknowledged");
        if (missing.Count > 0)
            problems.Add($"{missing.Count} acknowledged readings have no observation record, e.g. {string.Join(", ", missing.Take(5))}");
        if (unexplained.Count > 0)
            problems.Add($"{unexplained.Count} readings were recorded twice without the killed member explaining it, e.g. {string.Join(", ", unexplained.Take(5))}");
        if (observedBy.Count != sim.Acknowledged)
            problems.Add($"{observedBy.Count} distinct readings recorded for {sim.Acknowledged} acknowledged");
        if (!requested.SetEquals(settled))
            problems.Add($"{requested.Except(settled).Count()} approval requests were never settled");
        if (reports.Sum(r => r.Takeovers) == 0)
            problems.Add("no member took a device over: the kill did not move anything");
        return new SiteReport(site, reports, sim, observedBy.Count, missing, twice.Count, routes, requested.Count, settled.Count, problems);
    }
}
