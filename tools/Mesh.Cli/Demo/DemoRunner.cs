using System.Diagnostics;
using System.Net.Http.Json;
using Mesh.Cli.Audit;
using Mesh.Cli.Sim;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Mesh.Cli.Demo;

/// <summary>
/// Runs the demo: a hub, a cloud GPU node (a mesh-node with the cloud-a10g profile serving Inference), and two
/// edge nodes. site-a's node (an edge server) runs the anomaly model itself; site-b's node is a thin gateway that
/// runs no model and, its policy letting raw readings leave the site, offloads to the cloud node. Each site has
/// thermal sensors (rules only) and cold rooms (the anomaly model decides). The cloud node is stopped after two
/// thirds of the run: site-b's remaining cold-room readings are decided by the model's deterministic skill
/// (degraded). Then every reading is accounted for: each acknowledged reading must have exactly one Observation
/// record, every node's chain must verify both in its own journal and at the hub, the hub must hold every record
/// the nodes wrote, and replay must reproduce every decision (the model's recorded results included).
/// </summary>
public sealed partial class DemoRunner(DemoOptions options)
{
    private static readonly (string Node, string Site, string Profile, bool Thin)[] Nodes =
    [
        ("edge-a", "site-a", "edge-server-rtx-a2000", false),
        ("edge-b", "site-b", "raspberry-pi-5", true),
    ];

    private const string CloudNode = "gpu-cloud";
    private const string CloudProfile = "cloud-a10g";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var root = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "mesh-demo-" + Guid.NewGuid().ToString("N")[..8]);
        var removeAfter = options.DataDirectory is null;
        try
        {
            return await RunInAsync(Path.GetFullPath(root), ct).ConfigureAwait(false);
        }
        finally
        {
            if (removeAfter)
                TryDelete(root);
        }
    }

    private async Task<int> RunInAsync(string root, CancellationToken ct)
    {
        Say($"Mesh demo: data in {root}");
        if (options.SiteNodes > 1)
            return await RunWithClusterAsync(root, ct).ConfigureAwait(false);
        await using var hub = await StartHubAsync(root).ConfigureAwait(false);
        var nodes = new List<LocalNode>();
        var servePort = Mesh.Node.Ingest.EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback);
        var cloudUrl = $"https://127.0.0.1:{servePort}";
        // The models shipped beside the CLI (the anomaly model), whatever the working directory holds.
        var models = $"--Node:Inference:Models={Path.Combine(AppContext.BaseDirectory, "models")}";
        var rooms = Math.Max(1, options.Devices / 4);
        var (cloudDevices, _) = DemoDevices.Provision(root, "cloud", 0, 0);
        var cloud = await StartEnrolledAsync(hub, CloudNode, "cloud", Path.Combine(root, CloudNode),
            [$"--Node:Profile={CloudProfile}", $"--Node:Inference:ServeUrl={cloudUrl}", models, cloudDevices], ct).ConfigureAwait(false);
        var cloudStopped = false;
        var credentials = new Dictionary<string, Devices.DeviceCredentials>();
        Say($"  cloud      {CloudNode} ({CloudProfile}) serves Inference over mutual TLS on {cloudUrl}: {DescribeModels(cloud)}");
        try
        {
            foreach (var (id, site, profile, thin) in Nodes)
            {
                var (devicesFile, passwords) = DemoDevices.Provision(root, site, options.Devices, rooms);
                credentials[site] = passwords;
                string[] extra = [$"--Node:Profile={profile}", $"--Node:Inference:Peers:0={cloudUrl}", "--Node:Inference:PeerRefresh=00:00:01",
                    thin ? "--Node:Inference:Models=" : models, devicesFile];
                var node = await StartEnrolledAsync(hub, id, site, Path.Combine(root, id), extra, ct).ConfigureAwait(false);
                nodes.Add(node);
                Say($"  node       {id} serves {site} ({profile}{(thin ? ", thin gateway: no local model" : $": {DescribeModels(node)}")}), embedded MQTT broker on 127.0.0.1:{node.MqttPort}, {passwords.Count} device accounts");
            }
            foreach (var n in nodes)
                await PushPolicyAsync(hub, n, ct).ConfigureAwait(false);
            foreach (var n in nodes)
                await WaitForPeersAsync(n, ct).ConfigureAwait(false);
            var @operator = new DemoOperator(hub.ClientOf(DemoOperator.Name));
            using var operatorStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var operating = @operator.RunAsync(operatorStop.Token);
            Say($"  simulator  {options.Devices} thermal sensors and {rooms} cold rooms per site, {options.Rate:0} readings/s, {options.Duration.TotalSeconds:0} s, {options.Malformed:P0} malformed; each device with its own password");

            var startSeq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            SimulatorOptions Sim(LocalNode n, int i, SensorKind kind, int devices, double share) => new()
            {
                Port = n.MqttPort,
                Sites = [n.Site],
                Devices = devices,
                Rate = options.Rate * share / nodes.Count,
                Duration = options.Duration,
                MalformedShare = options.Malformed,
                Seed = 42 + i,
                StartSeq = startSeq,
                ClientIdPrefix = kind == SensorKind.ColdRoom ? "demo-room" : "demo",
                Sensors = kind,
                Credentials = credentials[n.Site],
            };
            var thermal = nodes.Select((n, i) => new SensorSimulator().RunAsync(Sim(n, i, SensorKind.Thermal, options.Devices, 0.75), null, ct)).ToArray();
            var coldRooms = nodes.Select((n, i) => new SensorSimulator().RunAsync(Sim(n, i, SensorKind.ColdRoom, rooms, 0.25), null, ct)).ToArray();
            var running = Task.WhenAll(thermal.Concat(coldRooms));
            var stopCloud = StopCloudAfterAsync(cloud, options.Duration * 2 / 3, running, ct);
            await ShowProgressAsync(running, nodes, ct).ConfigureAwait(false);
            cloudStopped = await stopCloud.ConfigureAwait(false);
            var thermalResults = await Task.WhenAll(thermal).ConfigureAwait(false);
            var roomResults = await Task.WhenAll(coldRooms).ConfigureAwait(false);
            var results = thermalResults.Zip(roomResults, SimulationResult.Combine).ToArray();
            Say("Waiting for open approvals to be settled…");
            foreach (var n in nodes)
                await WaitForApprovalsAsync(n, ct).ConfigureAwait(false);
            await operatorStop.CancelAsync().ConfigureAwait(false);
            try { await operating.ConfigureAwait(false); } catch (OperationCanceledException) { }

            Say("Waiting for the hub to acknowledge every record…");
            foreach (var n in nodes)
                await n.WaitForSyncAsync(options.SyncTimeout, ct).ConfigureAwait(false);

            var report = new List<NodeReport>();
            for (var i = 0; i < nodes.Count; i++)
                report.Add(await NodeReport.BuildAsync(nodes[i], results[i], hub, ct).ConfigureAwait(false));
            Render(report, thermalResults, roomResults);
            // The demo shows each route: site-a's node runs the model itself, site-b's gateway reaches the cloud node.
            var routeProblems = new List<string>();
            if (report[0].Routes.Edge == 0)
                routeProblems.Add($"{report[0].NodeId} never ran the model itself (see its ModelLoaded/ModelRefused records)");
            if (report[1].Routes.Cloud == 0)
                routeProblems.Add($"{report[1].NodeId} never reached the cloud node {CloudNode}");
            foreach (var p in routeProblems)
                AnsiConsole.MarkupLineInterpolated($"[red]route mix[/]: {p}");
            var ok = report.All(r => r.Ok) && routeProblems.Count == 0;
            Say(ok
                ? "[green]OK[/]: every reading is accounted for and every chain verifies, on the nodes and at the hub."
                : "[red]FAILED[/]: see the rows above.", markup: true);
            return ok ? ExitCodes.Ok : ExitCodes.Failure;
        }
        finally
        {
            foreach (var n in nodes)
                await n.DisposeAsync().ConfigureAwait(false);
            if (!cloudStopped)
                await cloud.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the cloud node part-way through the run (unless the run ends first), as a lost cloud region would.</summary>
    private static async Task<bool> StopCloudAfterAsync(LocalNode cloud, TimeSpan after, Task running, CancellationToken ct)
    {
        if (await Task.WhenAny(running, Task.Delay(after, ct)).ConfigureAwait(false) == running)
            return false;
        await cloud.DisposeAsync().ConfigureAwait(false);
        Console.WriteLine();
        Say($"  cloud      {CloudNode} stopped: from now on site-b's cold rooms are decided by the model's deterministic skill (degraded)");
        return true;
    }

    private static string DescribeModels(LocalNode node)
    {
        var local = node.Host.Services.GetRequiredService<Mesh.Node.Inference.LocalInference>();
        return string.Join(", ", local.Models.Select(m => $"{m.Name} {m.Version} on {m.Session.Provider.Describe()}"));
    }

    /// <summary>Pushes the demo policy to the hub, which streams it to the node; waits until the node runs it.</summary>
    private static async Task PushPolicyAsync(LocalHub hub, LocalNode node, CancellationToken ct)
    {
        var file = $"policies/{node.Site}.yaml";
        using var response = await hub.Http.PostAsJsonAsync($"api/sites/{node.Site}/policies",
            new { text = DemoPolicy.For(node.Site, readingsMayLeave: node.Site == "site-b"), file }, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"the hub refused the demo policy for {node.Site}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        if (!await node.WaitForPolicyAsync(DemoPolicy.Version, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false))
            throw new InvalidOperationException($"node {node.NodeId} did not take policy version {DemoPolicy.Version} from the hub within 30 s");
        Say($"  policy     {node.Policies.Current.Ref} pushed to the hub and running on {node.NodeId}");
    }

    /// <summary>Every approval request ends granted, denied or timed out: wait for the last deadlines to pass.</summary>
    private static async Task WaitForApprovalsAsync(LocalNode node, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && NodeStatsView.Of(node.Stats) is var s && s.Settled < s.ApprovalsRequested)
            await Task.Delay(100, ct).ConfigureAwait(false);
    }

    private static async Task ShowProgressAsync(Task running, IReadOnlyList<LocalNode> nodes, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var interactive = !Console.IsOutputRedirected;
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(interactive ? 250 : 2000, ct)).ConfigureAwait(false);
            var line = $"  {clock.Elapsed.TotalSeconds,5:0.0}s " + string.Join("  ", nodes.Select(n =>
                $"{n.NodeId}: {n.Stats.Accepted} readings, {n.Stats.Decisions} decisions, {n.Stats.Rejected} rejected, journal {n.Journal.Head}, hub {n.Sync.Acked}"));
            if (interactive)
                Console.Write("\r" + line.PadRight(Math.Max(line.Length, Console.WindowWidth - 1)));
            else
                Console.WriteLine(line);
        }
        if (interactive)
            Console.WriteLine();
    }

    private static void Render(IReadOnlyList<NodeReport> report, SimulationResult[] thermal, SimulationResult[] rooms)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Mesh demo summary");
        table.AddColumn("");
        foreach (var r in report)
            table.AddColumn(new TableColumn($"{r.NodeId} ({r.Site})").RightAligned());
        void Row(string name, Func<NodeReport, string> value) => table.AddRow([name, .. report.Select(value)]);
        Row("readings sent (valid)", r => r.Sim.AttemptedValid.ToString("N0"));
        Row("readings acknowledged", r => r.Sim.Acknowledged.ToString("N0"));
        Row("malformed sent", r => r.Sim.AttemptedMalformed.ToString("N0"));
        Row("observations recorded", r => r.Journal.Observations.ToString("N0"));
        Row("decisions", r => r.Journal.Decisions.ToString("N0"));
        Row("actions (commands)", r => r.Journal.Actions.ToString("N0"));
        Row("rejections", r => r.Journal.Rejections.ToString("N0"));
        Row("policy", r => r.PolicyRef);
        Row("approvals requested", r => r.Stats.ApprovalsRequested.ToString("N0"));
        Row("approvals granted", r => r.Stats.ApprovalsGranted.ToString("N0"));
        Row("approvals denied", r => r.Stats.ApprovalsDenied.ToString("N0"));
        Row("approvals timed out", r => r.Stats.ApprovalsTimedOut.ToString("N0"));
        Row("records in journal", r => r.Journal.Records.ToString("N0"));
        Row("records at hub", r => r.HubRecords.ToString("N0"));
        Row("acknowledged, not recorded", r => Mark(r.Missing.Count == 0, r.Missing.Count.ToString("N0")));
        Row("recorded twice", r => Mark(r.Journal.DuplicateObservations == 0, r.Journal.DuplicateObservations.ToString("N0")));
        Row("chain (node journal)", r => Mark(r.LocalChain.Ok, r.LocalChain.Ok ? "verified" : "BROKEN"));
        Row("chain (hub)", r => Mark(r.HubChain.Ok, r.HubChain.Ok ? "verified" : "BROKEN"));
        Row("replay divergences", r => Mark(r.Replay.Clean, r.Replay.Divergences.Count.ToString("N0")));
        Row("model runs: edge / cloud / deterministic", r => r.Routes.ToString());
        var index = report.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
        Row("publish→PUBACK p50 / p99, thermal", r => $"{thermal[index[r]].LatencyP50Ms:0.0} / {thermal[index[r]].LatencyP99Ms:0.0} ms");
        Row("publish→PUBACK p50 / p99, cold rooms", r => $"{rooms[index[r]].LatencyP50Ms:0.0} / {rooms[index[r]].LatencyP99Ms:0.0} ms");
        AnsiConsole.Write(table);
        foreach (var r in report)
            foreach (var problem in r.Problems)
                AnsiConsole.MarkupLineInterpolated($"[red]{r.NodeId}[/]: {problem}");
    }

    private static string Mark(bool ok, string text) => ok ? $"[green]{Markup.Escape(text)}[/]" : $"[red]{Markup.Escape(text)}[/]";

    /// <summary>Starts the hub with an operator token for <see cref="DemoOperator"/> and a console user with a generated
    /// password (this run only), and says where to sign in.</summary>
    private static async Task<LocalHub> StartHubAsync(string root)
    {
        // Nodes only over mutual TLS: each enrolls with a one-time token the demo makes through the admin API.
        var hub = await LocalHub.StartAsync(Path.Combine(root, "hub"), new LocalHubAccess([DemoOperator.Name], ConsoleAdmin: true),
            extraArgs: ["--Hub:Enrollment:PlaintextNodes=false"]).ConfigureAwait(false);
        Say($"  hub        gRPC + API on {hub.Address}; nodes enroll and sync over mutual TLS on {hub.NodeAddress}");
        var login = hub.Login!;
        Say($"  console    {login.Login} (HTTP/1.1, for a browser): user {login.Name}, password {login.Password} (this run only)");
        return hub;
    }

    /// <summary>Makes a one-time token for the node (as <c>mesh node token</c> does), enrolls its data directory with it
    /// (as <c>mesh enroll</c> does) and starts the node against the hub's TLS endpoint, where it syncs over mutual TLS.</summary>
    /// <summary>Waits until the node has described its inference peers (the cloud node) over mutual TLS, so that the
    /// sensors start on a fleet that is up, as a site's devices meet one that has been running; says why if it never does.</summary>
    private static async Task WaitForPeersAsync(LocalNode node, CancellationToken ct)
    {
        var directory = node.Host.Services.GetRequiredService<Mesh.Node.Inference.PeerDirectory>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!directory.Peers.All(p => p.Reachable))
        {
            if (DateTime.UtcNow > deadline)
            {
                foreach (var p in directory.Peers.Where(p => !p.Reachable))
                    Say($"  [yellow]warning[/]: {node.NodeId} cannot reach its inference peer {p.Url}: {p.LastError}", markup: true);
                return;
            }
            await directory.RefreshAllAsync(ct).ConfigureAwait(false);
            if (!directory.Peers.All(p => p.Reachable))
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        }
    }

    private static async Task<LocalNode> StartEnrolledAsync(LocalHub hub, string id, string site, string dataDirectory, string[] extra, CancellationToken ct)
    {
        var token = await hub.CreateEnrollmentTokenAsync(id, site, ct).ConfigureAwait(false);
        var (_, key) = await Mesh.Node.Identity.NodeEnrollment.EnrollAsync(hub.NodeAddress, token, dataDirectory, ct).ConfigureAwait(false);
        key.Dispose();
        return await LocalNode.StartAsync(id, site, dataDirectory, hub.NodeAddress.ToString(), extraArgs: extra).ConfigureAwait(false);
    }

    private static void Say(string text, bool markup = false)
    {
        if (markup)
            AnsiConsole.MarkupLine(text);
        else
            Console.WriteLine(text);
    }

    private static void TryDelete(string dir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
