using System.Diagnostics;
using Mesh.Cli.Audit;
using Mesh.Cli.Chaos.Fuzz;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;

namespace Mesh.Cli.Chaos.Run;

/// <summary>
/// <c>mesh chaos run</c>: a hub and nodes as separate processes, simulated devices publishing to every node, and faults on
/// a fixed rotation — a node killed with SIGKILL and restarted, the hub killed and restarted, a node's link to the hub cut
/// for a while through its <see cref="FaultProxy"/>. When the time is up the devices finish, the backlogs drain, and the
/// run checks: nothing acknowledged lost, no reading decided twice, chains verify at each node and at the hub, every
/// rejection names its reason, and every process is up.
/// </summary>
public sealed class ChaosRunner(ChaosRunOptions options, Action<string> say)
{
    private readonly List<double> _nodeRecovery = [];
    private readonly List<double> _hubRecovery = [];
    private int _partitions;

    public async Task<ChaosReport> RunAsync(CancellationToken ct)
    {
        var root = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "mesh-chaos-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            return await RunInAsync(root, ct).ConfigureAwait(false);
        }
        finally
        {
            if (options.DataDirectory is null)
                try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<ChaosReport> RunInAsync(string root, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var hub = await ChaosHub.StartAsync(Path.Combine(root, "hub")).ConfigureAwait(false);
        var nodes = new List<ChaosNode>();
        try
        {
            // Devices connect with their own credentials, as on a real site (the default a node runs with).
            var credentials = new List<Devices.DeviceCredentials>();
            for (var i = 0; i < options.Nodes; i++)
            {
                var site = $"site-{(char)('a' + i)}";
                var (devicesFile, siteCredentials) = Demo.DemoDevices.Provision(root, site, options.DevicesPerNode, 0);
                credentials.Add(siteCredentials);
                nodes.Add(await ChaosNode.StartAsync($"chaos-{i + 1}", site, Path.Combine(root, $"chaos-{i + 1}"), hub.Port, devicesFile).ConfigureAwait(false));
            }
            say($"hub on {hub.Port}, {nodes.Count} node(s); {options.DevicesPerNode} devices and {options.Rate} readings/s each, for {options.Duration.TotalSeconds:F0} s; a fault every {options.FaultEvery.TotalSeconds:F0} s");
            var acked = new long[nodes.Count];
            var sims = nodes.Select((n, i) => new SensorSimulator().RunAsync(new SimulatorOptions
            {
                Port = n.MqttPort, Sites = [n.Site], Devices = options.DevicesPerNode, Rate = options.Rate, Duration = options.Duration,
                MalformedShare = options.Malformed, Seed = options.Seed + i, ClientIdPrefix = $"sim-{i}", GiveUpAfter = TimeSpan.FromMinutes(3),
                Credentials = credentials[i],
            }, new Progress<SimulationProgress>(p => Interlocked.Exchange(ref acked[i], p.Acknowledged)), ct)).ToList();

            var faults = FaultsAsync(hub, nodes, clock, () => acked.Sum(), ct);
            var results = await Task.WhenAll(sims).ConfigureAwait(false);
            await faults.ConfigureAwait(false);
            foreach (var n in nodes)
                n.Proxy.Heal();
            say($"{clock.Elapsed.TotalSeconds,5:F0} s  devices done: {results.Sum(r => r.Acknowledged):N0} readings acknowledged; waiting for the hub to hold every journal");
            return await CheckAsync(hub, nodes, results, clock, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var n in nodes)
                await n.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task FaultsAsync(ChaosHub hub, List<ChaosNode> nodes, Stopwatch clock, Func<long> acked, CancellationToken ct)
    {
        var next = options.FaultEvery;
        var round = 0;
        while ((options.Rounds is { } rounds ? round < rounds * 3 : clock.Elapsed + options.FaultEvery < options.Duration) && !ct.IsCancellationRequested)
        {
            // A schedule, not a wait for a condition: the faults strike at fixed times of the run.
            await Task.Delay(next - clock.Elapsed > TimeSpan.Zero ? next - clock.Elapsed : TimeSpan.Zero, ct).ConfigureAwait(false);
            next += options.FaultEvery;
            // Rotation: node kill, partition, hub kill; the nodes take turns.
            var pick = round % 3;
            var node = nodes[round / 3 % nodes.Count];
            round++;
            string what;
            if (pick == 0)
            {
                var took = await node.KillAndRestartAsync().ConfigureAwait(false);
                _nodeRecovery.Add(took.TotalMilliseconds);
                what = $"SIGKILL {node.NodeId}: listening again after {took.TotalMilliseconds:F0} ms";
            }
            else if (pick == 1)
            {
                node.Proxy.Cut();
                _partitions++;
                await Task.Delay(options.PartitionFor, ct).ConfigureAwait(false);
                node.Proxy.Heal();
                what = $"cut {node.NodeId} from the hub for {options.PartitionFor.TotalSeconds:F0} s, healed";
            }
            else
            {
                var took = await hub.KillAndRestartAsync().ConfigureAwait(false);
                _hubRecovery.Add(took.TotalMilliseconds);
                what = $"SIGKILL the hub: listening again after {took.TotalMilliseconds:F0} ms";
            }
            say($"{clock.Elapsed.TotalSeconds,5:F0} s  {acked(),8:N0} acknowledged  {what}");
        }
    }

    private async Task<ChaosReport> CheckAsync(ChaosHub hub, List<ChaosNode> nodes, SimulationResult[] results, Stopwatch clock, CancellationToken ct)
    {
        var problems = new List<string>();
        using var http = HubConnection.Create(hub.Address, hub.Token);
        long observations = 0, decisions = 0, actions = 0, atHub = 0;
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var deadline = Stopwatch.StartNew();
            ChainCheckResult hubCheck;
            long head;
            // Polls with a deadline: the drain after the faults is what is being waited for.
            while (true)
            {
                head = JournalCounts.Read(node.JournalPath).Records;
                hubCheck = await AuditChainChecker.VerifyHubAsync(http, node.NodeId, ct: ct).ConfigureAwait(false);
                if (hubCheck.Verdict.Head.Sequence >= head || deadline.Elapsed > TimeSpan.FromSeconds(120))
                    break;
                await Task.Delay(250, ct).ConfigureAwait(false);
            }
            var journal = JournalCounts.Read(node.JournalPath);
            var missing = journal.Missing(results[i].AckedSeqs);
            if (missing.Count > 0)
                problems.Add($"{node.NodeId}: {missing.Count} acknowledged reading(s) without a record, e.g. {missing[0]}");
            if (journal.DuplicateObservations > 0)
                problems.Add($"{node.NodeId}: {journal.DuplicateObservations} reading(s) recorded twice");
            foreach (var kind in new[] { AuditKind.Decision, AuditKind.Action })
                if (DuplicateKeys(node.JournalPath, kind) is { Count: > 0 } dup)
                    problems.Add($"{node.NodeId}: {dup.Count} {kind} record(s) twice for one reading, e.g. {dup[0]}");
            var local = AuditChainChecker.VerifyJournalFile(node.JournalPath, node.NodeId);
            if (!local.Ok)
                problems.Add($"{node.NodeId}: the journal's chain does not verify: {local.Describe()}");
            if (!hubCheck.Ok)
                problems.Add($"{node.NodeId}: the hub's copy does not verify: {hubCheck.Describe()}");
            if (hubCheck.Verdict.Head.Sequence != journal.Records)
                problems.Add($"{node.NodeId}: the hub holds {hubCheck.Verdict.Head.Sequence} of {journal.Records} records after 120 s");
            foreach (var (reason, n) in Rejections(node.JournalPath))
            {
                if (reason.Length == 0)
                    problems.Add($"{node.NodeId}: {n} rejection(s) without a reason");
                reasons[reason] = reasons.GetValueOrDefault(reason) + n;
            }
            if (node.HasExited)
                problems.Add($"{node.NodeId} is not running at the end");
            observations += journal.Observations;
            decisions += journal.Decisions;
            actions += journal.Actions;
            atHub += hubCheck.Verdict.Head.Sequence;
        }
        if (hub.HasExited)
            problems.Add("the hub is not running at the end");
        return new ChaosReport
        {
            Elapsed = clock.Elapsed, NodeKills = _nodeRecovery.Count, HubKills = _hubRecovery.Count, Partitions = _partitions,
            NodeRecoveryMs = _nodeRecovery, HubRecoveryMs = _hubRecovery, ReadingsAcknowledged = results.Sum(r => r.Acknowledged),
            Observations = observations, Decisions = decisions, Actions = actions, RecordsAtHub = atHub,
            RejectionsByReason = [.. reasons.OrderByDescending(r => r.Value)], Problems = problems,
        };
    }

    private static List<string> DuplicateKeys(string journalPath, AuditKind kind)
    {
        using var c = AuditJournalStore.OpenReader(journalPath);
        return AuditJournalStore.DuplicateMessageKeys(c, kind);
    }

    private static Dictionary<string, long> Rejections(string journalPath)
    {
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        using var c = AuditJournalStore.OpenReader(journalPath);
        long after = 0;
        while (AuditJournalStore.ReadAfter(c, after, 1000) is { Count: > 0 } rows)
        {
            foreach (var row in rows)
            {
                var record = AuditRecordCodec.Decode(row.Canonical);
                if (record.Kind == AuditKind.Rejected)
                {
                    var reason = FuzzReasons.Category(record.Outcome);
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                }
            }
            after = rows[^1].Seq;
        }
        return reasons;
    }
}
