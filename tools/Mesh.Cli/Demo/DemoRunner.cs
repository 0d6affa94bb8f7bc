using System.Diagnostics;
using System.Net.Http.Json;
using Mesh.Cli.Audit;
using Mesh.Cli.Sim;
using Spectre.Console;

namespace Mesh.Cli.Demo;

/// <summary>
/// Runs the demo: hub, two nodes (site-a, site-b), one simulator per site, then accounts for every reading:
/// each acknowledged reading must have exactly one Observation record, every node's chain must verify both
/// in its own journal and at the hub, and the hub must hold every record the nodes wrote.
/// </summary>
public sealed class DemoRunner(DemoOptions options)
{
    private static readonly (string Node, string Site)[] Nodes = [("edge-a", "site-a"), ("edge-b", "site-b")];

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
        await using var hub = await LocalHub.StartAsync(Path.Combine(root, "hub")).ConfigureAwait(false);
        Say($"  hub        gRPC + API on {hub.Address}");
        var nodes = new List<LocalNode>();
        try
        {
            foreach (var (id, site) in Nodes)
            {
                var node = await LocalNode.StartAsync(id, site, Path.Combine(root, id), hub.Address.ToString()).ConfigureAwait(false);
                nodes.Add(node);
                Say($"  node       {id} serves {site}, embedded MQTT broker on 127.0.0.1:{node.MqttPort}");
            }
            foreach (var n in nodes)
                await PushPolicyAsync(hub, n, ct).ConfigureAwait(false);
            var @operator = new DemoOperator(hub.Http);
            using var operatorStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var operating = @operator.RunAsync(operatorStop.Token);
            Say($"  simulator  {options.Devices} devices per site, {options.Rate:0} readings/s, {options.Duration.TotalSeconds:0} s, {options.Malformed:P0} malformed");

            var startSeq = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var sims = nodes.Select((n, i) => new SensorSimulator().RunAsync(new SimulatorOptions
            {
                Port = n.MqttPort,
                Sites = [n.Site],
                Devices = options.Devices,
                Rate = options.Rate / nodes.Count,
                Duration = options.Duration,
                MalformedShare = options.Malformed,
                Seed = 42 + i,
                StartSeq = startSeq,
                ClientIdPrefix = "demo",
            }, null, ct)).ToArray();
            await ShowProgressAsync(Task.WhenAll(sims), nodes, ct).ConfigureAwait(false);
            var results = await Task.WhenAll(sims).ConfigureAwait(false);
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
            Render(report);
            var ok = report.All(r => r.Ok);
            Say(ok
                ? "[green]OK[/]: every reading is accounted for and every chain verifies, on the nodes and at the hub."
                : "[red]FAILED[/]: see the rows above.", markup: true);
            return ok ? ExitCodes.Ok : ExitCodes.Failure;
        }
        finally
        {
            foreach (var n in nodes)
                await n.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Pushes the demo policy to the hub, which streams it to the node; waits until the node runs it.</summary>
    private static async Task PushPolicyAsync(LocalHub hub, LocalNode node, CancellationToken ct)
    {
        var file = $"policies/{node.Site}.yaml";
        using var response = await hub.Http.PostAsJsonAsync($"api/sites/{node.Site}/policies",
            new { text = DemoPolicy.For(node.Site), file, by = "demo" }, ct).ConfigureAwait(false);
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

    private static void Render(IReadOnlyList<NodeReport> report)
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
        Row("publish→PUBACK p50 / p99", r => $"{r.Sim.LatencyP50Ms:0.0} / {r.Sim.LatencyP99Ms:0.0} ms");
        AnsiConsole.Write(table);
        foreach (var r in report)
            foreach (var problem in r.Problems)
                AnsiConsole.MarkupLineInterpolated($"[red]{r.NodeId}[/]: {problem}");
    }

    private static string Mark(bool ok, string text) => ok ? $"[green]{Markup.Escape(text)}[/]" : $"[red]{Markup.Escape(text)}[/]";

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
