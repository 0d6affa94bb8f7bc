using Mesh.Cli.Bench;
using Mesh.Cli.Sim;
using Mesh.Hub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Mesh.Cli.Demo;

/// <summary>
/// <c>mesh demo --site-nodes N</c>: site-a is served by N nodes forming one Akka.Cluster, each in its own process, the
/// devices spread over their brokers; site-b keeps its single thin gateway. A quarter of the way through, one member of
/// site-a is killed with SIGKILL: its devices move to the survivors (their state from the site's replicas); half-way
/// it starts again and shards move back to it. The summary accounts for every reading over all members.
/// </summary>
public sealed partial class DemoRunner
{
    private async Task<int> RunWithClusterAsync(string root, CancellationToken ct)
    {
        await using var hub = await StartHubAsync(root).ConfigureAwait(false);
        var cloudUrl = $"https://127.0.0.1:{ChildProcess.FreePort()}";
        var modelsDir = Path.Combine(AppContext.BaseDirectory, "models");
        var models = $"--Node:Inference:Models={modelsDir}";
        var rooms = Math.Max(1, options.Devices / 4);
        var (cloudDevices, _) = DemoDevices.Provision(root, "cloud", 0, 0);
        var (siteADevices, siteAPasswords) = DemoDevices.Provision(root, "site-a", options.Devices, rooms);
        var (siteBDevices, siteBPasswords) = DemoDevices.Provision(root, "site-b", options.Devices, rooms);
        var cloud = await StartEnrolledAsync(hub, CloudNode, "cloud", Path.Combine(root, CloudNode),
            [$"--Node:Profile={CloudProfile}", $"--Node:Inference:ServeUrl={cloudUrl}", models, cloudDevices], ct).ConfigureAwait(false);
        var cloudStopped = false;
        Say($"  cloud      {CloudNode} ({CloudProfile}) serves Inference over mutual TLS on {cloudUrl}: {DescribeModels(cloud)}");

        var clusterPorts = Enumerable.Range(0, options.SiteNodes).Select(_ => ChildProcess.FreePort()).ToArray();
        var tokens = new List<string>();
        for (var i = 0; i < options.SiteNodes; i++)
            tokens.Add(await hub.CreateEnrollmentTokenAsync($"edge-a{i + 1}", "site-a", ct).ConfigureAwait(false));
        var members = Enumerable.Range(0, options.SiteNodes).Select(i => new SiteMemberProcess($"edge-a{i + 1}", "site-a", Path.Combine(root, $"edge-a{i + 1}"),
            ChildProcess.FreePort(), clusterPorts[i],
        [
            $"--Node:Sync:HubUrl={hub.NodeAddress}", $"--Node:Enrollment:Token={tokens[i]}", "--Node:Profile=edge-server-rtx-a2000", models,
            $"--Node:Inference:Peers:0={cloudUrl}", "--Node:Inference:PeerRefresh=00:00:01",
            "--Node:Cluster:Enabled=true", $"--Node:Cluster:Seeds:0=127.0.0.1:{clusterPorts[0]}", $"--Node:Cluster:Seeds:1=127.0.0.1:{clusterPorts[1]}",
            "--Node:Cluster:FailureDetectionPause=00:00:02", "--Node:Cluster:StableAfter=00:00:03", siteADevices,
        ])).ToList();
        LocalNode? gateway = null;
        try
        {
            await members[0].StartAsync().ConfigureAwait(false);
            await Task.WhenAll(members.Skip(1).Select(m => m.StartAsync())).ConfigureAwait(false);
            foreach (var m in members)
                Say($"  node       {m.NodeId} serves site-a as a member of its cluster (process, cluster port {m.ClusterPort}), embedded MQTT broker on 127.0.0.1:{m.MqttPort}");
            await WaitForClusterAsync(members, ct).ConfigureAwait(false);
            Say($"  cluster    site-a's {members.Count} members are up (each journal records the membership)");
            gateway = await StartEnrolledAsync(hub, "edge-b", "site-b", Path.Combine(root, "edge-b"),
                ["--Node:Profile=raspberry-pi-5", $"--Node:Inference:Peers:0={cloudUrl}", "--Node:Inference:PeerRefresh=00:00:01", "--Node:Inference:Models=", siteBDevices], ct).ConfigureAwait(false);
            Say($"  node       edge-b serves site-b (raspberry-pi-5, thin gateway: no local model), embedded MQTT broker on 127.0.0.1:{gateway.MqttPort}");
            await PushSitePolicyAsync(hub, "site-a", members.Select(m => m.NodeId).ToArray(), ct).ConfigureAwait(false);
            await PushPolicyAsync(hub, gateway, ct).ConfigureAwait(false);

            var @operator = new DemoOperator(hub.ClientOf(DemoOperator.Name));
            using var operatorStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var operating = @operator.RunAsync(operatorStop.Token);
            Say($"  simulator  {options.Devices} thermal sensors and {rooms} cold rooms per site, {options.Rate:0} readings/s, {options.Duration.TotalSeconds:0} s, {options.Malformed:P0} malformed; site-a's devices spread over its {members.Count} brokers");
            var startSeq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            SimulatorOptions Sim(string site, IReadOnlyList<int> ports, int i, SensorKind kind, int devices, double share) => new()
            {
                Ports = [.. ports], Sites = [site], Devices = devices, Rate = options.Rate * share / 2, Duration = options.Duration,
                MalformedShare = options.Malformed, Seed = 42 + i, StartSeq = startSeq,
                ClientIdPrefix = kind == SensorKind.ColdRoom ? "demo-room" : "demo", Sensors = kind,
                Credentials = site == "site-a" ? siteAPasswords : siteBPasswords,
            };
            int[] sitePorts = [.. members.Select(m => m.MqttPort)];
            Task<SimulationResult>[] thermal =
            [
                new SensorSimulator().RunAsync(Sim("site-a", sitePorts, 0, SensorKind.Thermal, options.Devices, 0.75), null, ct),
                new SensorSimulator().RunAsync(Sim("site-b", [gateway.MqttPort], 1, SensorKind.Thermal, options.Devices, 0.75), null, ct),
            ];
            Task<SimulationResult>[] coldRooms =
            [
                new SensorSimulator().RunAsync(Sim("site-a", sitePorts, 0, SensorKind.ColdRoom, rooms, 0.25), null, ct),
                new SensorSimulator().RunAsync(Sim("site-b", [gateway.MqttPort], 1, SensorKind.ColdRoom, rooms, 0.25), null, ct),
            ];
            var running = Task.WhenAll(thermal.Concat(coldRooms));
            var victim = members[^1];
            var killing = KillAndRestartAsync(victim, members, options.Duration / 4, options.Duration / 2, running, ct);
            var stopCloud = StopCloudAfterAsync(cloud, options.Duration * 2 / 3, running, ct);
            await ShowClusterProgressAsync(running, members, gateway, ct).ConfigureAwait(false);
            await killing.ConfigureAwait(false);
            cloudStopped = await stopCloud.ConfigureAwait(false);
            var siteA = SimulationResult.Combine(await thermal[0].ConfigureAwait(false), await coldRooms[0].ConfigureAwait(false));
            var siteB = SimulationResult.Combine(await thermal[1].ConfigureAwait(false), await coldRooms[1].ConfigureAwait(false));

            Say("Waiting for open approvals to be settled…");
            await WaitForApprovalsAsync(gateway, ct).ConfigureAwait(false);
            await WaitForSiteApprovalsAsync(members, ct).ConfigureAwait(false);
            await operatorStop.CancelAsync().ConfigureAwait(false);
            try { await operating.ConfigureAwait(false); } catch (OperationCanceledException) { }

            Say("Waiting for the hub to acknowledge every record…");
            await gateway.WaitForSyncAsync(options.SyncTimeout, ct).ConfigureAwait(false);
            await WaitForMembersSyncAsync(hub, members, options.SyncTimeout, ct).ConfigureAwait(false);

            var cluster = await SiteReport.BuildAsync("site-a", members, victim.NodeId, siteA, hub, ct).ConfigureAwait(false);
            var single = await NodeReport.BuildAsync(gateway, siteB, hub, ct).ConfigureAwait(false);
            RenderCluster(cluster, victim.NodeId);
            Render([single], [await thermal[1].ConfigureAwait(false)], [await coldRooms[1].ConfigureAwait(false)]);
            var routeProblems = new List<string>();
            if (cluster.Routes.Edge == 0)
                routeProblems.Add("site-a's members never ran the model themselves");
            if (single.Routes.Cloud == 0)
                routeProblems.Add($"edge-b never reached the cloud node {CloudNode}");
            foreach (var p in cluster.Problems.Concat(routeProblems))
                AnsiConsole.MarkupLineInterpolated($"[red]site-a[/]: {p}");
            var ok = cluster.Ok && single.Ok && routeProblems.Count == 0;
            Say(ok
                ? $"[green]OK[/]: every reading is accounted for across site-a's {members.Count} nodes (one killed and restarted) and at edge-b, and every chain verifies, on the nodes and at the hub."
                : "[red]FAILED[/]: see the rows above.", markup: true);
            return ok ? ExitCodes.Ok : ExitCodes.Failure;
        }
        finally
        {
            foreach (var m in members)
                m.Dispose();
            if (gateway is not null)
                await gateway.DisposeAsync().ConfigureAwait(false);
            if (!cloudStopped)
                await cloud.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Kills <paramref name="victim"/> once it has decided readings and at least <paramref name="killAt"/> into
    /// the run, and starts it again once a survivor has taken one of its devices over and at least
    /// <paramref name="restartAt"/> into the run (so the demo shows both moves however loaded the machine is).</summary>
    private static async Task KillAndRestartAsync(SiteMemberProcess victim, IReadOnlyList<SiteMemberProcess> members, TimeSpan killAt, TimeSpan restartAt,
        Task running, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!running.IsCompleted && (clock.Elapsed < killAt || victim.Count(Mesh.Protocol.Audit.AuditKind.Observation) < 20))
            await Task.Delay(100, ct).ConfigureAwait(false);
        if (running.IsCompleted)
            return;
        victim.Kill();
        Console.WriteLine();
        Say($"  kill       {victim.NodeId} killed with SIGKILL at {clock.Elapsed.TotalSeconds:0.0}s: its devices reconnect to the other brokers; the survivors take its shards over once the cluster downs it");
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline && (clock.Elapsed < restartAt || !members.Any(m => m != victim && m.TookOverFrom(victim.NodeId))))
            await Task.Delay(100, ct).ConfigureAwait(false);
        await victim.StartAsync().ConfigureAwait(false);
        Console.WriteLine();
        Say($"  restart    {victim.NodeId} started again at {clock.Elapsed.TotalSeconds:0.0}s (as its supervisor would): it rejoins, shards move back, its backlog syncs to the hub");
    }

    /// <summary>Pushes the demo policy for a cluster site and waits until every member reports running it (through its audit stream).</summary>
    private static async Task PushSitePolicyAsync(LocalHub hub, string site, IReadOnlyList<string> members, CancellationToken ct)
    {
        using var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(hub.Http, $"api/sites/{site}/policies",
            new { text = DemoPolicy.For(site, readingsMayLeave: false), file = $"policies/{site}.yaml" }, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"the hub refused the demo policy for {site}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        var store = hub.App.Services.GetRequiredService<HubStore>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!members.All(m => store.ReadNodePolicies(site).Any(p => p.NodeId == m && p.Version >= DemoPolicy.Version)))
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"not every member of {site} reported running policy version {DemoPolicy.Version} within 60 s");
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        Say($"  policy     version {DemoPolicy.Version} pushed to the hub and running on {string.Join(", ", members)}");
    }

    /// <summary>Waits until every member's journal records all members up (their SiteMembership records).</summary>
    private static async Task WaitForClusterAsync(IReadOnlyList<SiteMemberProcess> members, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!members.All(m => m.MembersUp() >= members.Count))
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"site-a's cluster did not form within 60 s: members up as each sees it: {string.Join(", ", members.Select(m => $"{m.NodeId} {m.MembersUp()}"))}");
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    private static async Task WaitForSiteApprovalsAsync(IReadOnlyList<SiteMemberProcess> members, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var requested = new HashSet<string>();
            var settled = new HashSet<string>();
            foreach (var m in members)
            {
                using var c = Mesh.Node.Audit.AuditJournalStore.OpenReader(m.JournalPath);
                requested.UnionWith(Mesh.Node.Audit.AuditJournalStore.ReadAllOfKind(c, Mesh.Protocol.Audit.AuditKind.ApprovalRequested).Select(r => r.MessageKey));
                settled.UnionWith(Mesh.Node.Audit.AuditJournalStore.ReadAllOfKind(c, Mesh.Protocol.Audit.AuditKind.ApprovalResolved).Select(r => r.MessageKey));
            }
            if (requested.IsSubsetOf(settled))
                return;
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    private static async Task WaitForMembersSyncAsync(LocalHub hub, IReadOnlyList<SiteMemberProcess> members, TimeSpan timeout, CancellationToken ct)
    {
        var store = hub.App.Services.GetRequiredService<HubStore>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !members.All(m => store.FindNode(m.NodeId)?.LastSeq == m.JournalHead()))
            await Task.Delay(100, ct).ConfigureAwait(false);
    }

    private static async Task ShowClusterProgressAsync(Task running, IReadOnlyList<SiteMemberProcess> members, LocalNode gateway, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var interactive = !Console.IsOutputRedirected;
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(interactive ? 250 : 2000, ct)).ConfigureAwait(false);
            var line = $"  {clock.Elapsed.TotalSeconds,5:0.0}s " + string.Join("  ", members.Select(m => $"{m.NodeId}: {(m.Running ? "journal " + m.JournalHead() : "killed")}"))
                + $"  edge-b: {gateway.Stats.Accepted} readings, hub {gateway.Sync.Acked}";
            if (interactive)
                Console.Write("\r" + line.PadRight(Math.Max(line.Length, Console.WindowWidth - 1)));
            else
                Console.WriteLine(line);
        }
        if (interactive)
            Console.WriteLine();
    }

    private static void RenderCluster(SiteReport site, string killed)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"{site.Site}: {site.Members.Count} nodes in one cluster ({killed} killed and restarted)");
        table.AddColumn("");
        foreach (var m in site.Members)
            table.AddColumn(new TableColumn(m.NodeId).RightAligned());
        table.AddColumn(new TableColumn("site").RightAligned());
        void Row(string name, Func<MemberReport, string> value, string total) => table.AddRow([name, .. site.Members.Select(value), total]);
        Row("readings sent (valid) / acknowledged", _ => "", $"{site.Sim.AttemptedValid:N0} / {site.Sim.Acknowledged:N0}");
        Row("observations recorded", m => m.Journal.Observations.ToString("N0"), $"{site.Observed:N0} distinct");
        Row("re-decided after the kill", _ => "", site.RecordedTwice.ToString("N0"));
        Row("acknowledged, not recorded", _ => "", Mark(site.Missing.Count == 0, site.Missing.Count.ToString("N0")));
        Row("decisions", m => m.Journal.Decisions.ToString("N0"), site.Members.Sum(m => m.Journal.Decisions).ToString("N0"));
        Row("actions (commands)", m => m.Journal.Actions.ToString("N0"), site.Members.Sum(m => m.Journal.Actions).ToString("N0"));
        Row("rejections", m => m.Journal.Rejections.ToString("N0"), site.Members.Sum(m => m.Journal.Rejections).ToString("N0"));
        Row("devices taken over", m => m.Takeovers.ToString("N0"), site.Takeovers.ToString("N0"));
        Row("conflicts resolved", m => m.Conflicts.ToString("N0"), site.Members.Sum(m => m.Conflicts).ToString("N0"));
        Row("approvals requested / settled", _ => "", $"{site.ApprovalsRequested:N0} / {site.ApprovalsSettled:N0}");
        Row("records in journal / at hub", m => Mark(m.Journal.Records == m.HubRecords, $"{m.Journal.Records:N0} / {m.HubRecords:N0}"), "");
        Row("chain (node journal)", m => Mark(m.LocalChain.Ok, m.LocalChain.Ok ? "verified" : "BROKEN"), "");
        Row("chain (hub)", m => Mark(m.HubChain.Ok, m.HubChain.Ok ? "verified" : "BROKEN"), "");
        Row("replay divergences", m => Mark(m.Replay.Clean, m.Replay.Divergences.Count.ToString("N0")), "");
        Row("model runs: edge / cloud / deterministic", _ => "", site.Routes.ToString());
        Row("publish→PUBACK p50 / p99", _ => "", $"{site.Sim.LatencyP50Ms:0.0} / {site.Sim.LatencyP99Ms:0.0} ms");
        AnsiConsole.Write(table);
    }
}
