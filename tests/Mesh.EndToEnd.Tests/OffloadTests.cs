using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Inference.Anomaly;
using Mesh.Node.Replay;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Offload between real node processes: an edge node whose own CPU is too slow for the deadline (its profile says
/// so) sends the anomaly model's work to the cheapest of two cloud nodes (each a mesh-node started with a cloud
/// profile, serving Inference over loopback gRPC). The cheaper one is SIGKILLed under load: the router fails over to
/// the other, every acknowledged reading is recorded with a cloud route and a model result, and replay of the
/// edge's journal reproduces every decision without running the model. The deadline is generous (2 s) so that a
/// loaded CI machine cannot change the outcome; the edge's prior (5 s) still misses it.
/// </summary>
public sealed class OffloadTests
{
    private const string Site = "off-a";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Offload_CheapestCloudKilledMidLoad_FailsOverAndNoReadingIsLost()
    {
        using var dir = new TempDirectory();
        var profiles = SlowEdgeProfiles(dir.Sub("profiles"));
        var policy = dir.Sub("policy.yaml");
        await File.WriteAllTextAsync(policy, Policy);
        var nowhere = $"http://127.0.0.1:{NodeProcess.FreePort()}";
        int cheapPort = NodeProcess.FreePort(), dearPort = NodeProcess.FreePort();

        await using var cheap = await RunningNode.StartAsync("gpu-1", "cloud", dir.Sub("gpu-1"), nowhere,
            "--Node:Profile=cloud-a10g", $"--Node:Inference:ServeUrl=http://127.0.0.1:{cheapPort}");
        await using var dear = await RunningNode.StartAsync("gpu-2", "cloud", dir.Sub("gpu-2"), nowhere,
            "--Node:Profile=cloud-h100", $"--Node:Inference:ServeUrl=http://127.0.0.1:{dearPort}");
        await WaitForPortAsync(cheapPort);
        await WaitForPortAsync(dearPort);
        await using var edge = await RunningNode.StartAsync("edge-1", Site, dir.Sub("edge"), nowhere,
            $"--Node:Policy:File={policy}", "--Node:Profile=slow-edge", $"--Node:Inference:Profiles={profiles}",
            $"--Node:Inference:Peers:0=http://127.0.0.1:{cheapPort}", $"--Node:Inference:Peers:1=http://127.0.0.1:{dearPort}",
            "--Node:Inference:PeerRefresh=00:00:00.500", "--Node:Inference:Deadline=00:00:02");

        var samples = SensorDataGenerator.Device(new SensorDataOptions { Seed = 5, Devices = 1, Days = 2, FaultRate = 0.05 }, 0).ToList();
        await using var device = await edge.DeviceAsync("room-1");
        var seq = 0;
        async Task SendAsync(int count)
        {
            for (var i = 0; i < count; i++, seq++)
            {
                var s = samples[seq % samples.Count];
                var payload = Readings.Of(seq + 1, DateTime.UtcNow, ("temperature", s.Temperature), ("humidity", s.Humidity), ("power", s.Power), ("vibration", s.Vibration));
                (await device.PublishAsync(Readings.Telemetry(Site, "room-1"), payload)).ShouldBeTrue($"reading {seq + 1} not acknowledged");
            }
        }

        // Until the edge has heard from both clouds, its readings may go elsewhere; from then on the cheaper cloud wins.
        try
        {
            await Poll.UntilAsync(async () =>
            {
                await SendAsync(5);
                return Observations(edge).Any(r => r.Route.Target == "cloud:gpu-1/CPU" && r.Route.Reasons.Any(x => x.Contains("cloud:gpu-2/CPU", StringComparison.Ordinal)));
            }, Deadline, "a reading routed to gpu-1 with gpu-2 among the candidates");
        }
        catch (TimeoutException ex)
        {
            var last = Observations(edge).LastOrDefault();
            throw new TimeoutException($"{ex.Message}; last route: {last?.Route.Target} [{string.Join(" | ", last?.Route.Reasons ?? [])}]\nedge:\n{edge.Process.Output}\ngpu-1:\n{cheap.Process.Output}", ex);
        }
        var beforeKill = seq;
        await SendAsync(40);

        cheap.Process.Kill();
        await SendAsync(60);

        var records = Observations(edge);
        records.Count.ShouldBe(seq, "every acknowledged reading has its Observation record");
        var settled = records.SkipWhile(r => r.Route.Target != "cloud:gpu-1/CPU").ToList();
        settled.Count.ShouldBeGreaterThanOrEqualTo(seq - beforeKill);
        settled.Where(r => !r.Route.Target.StartsWith("cloud:", StringComparison.Ordinal))
            .Select(r => $"{r.MessageKey} {r.Route.Target} [{string.Join(" | ", r.Route.Reasons)}]")
            .ShouldBeEmpty("after the clouds were known no reading was degraded");
        var afterKill = settled.Skip(settled.Count - 60).ToList();
        afterKill.Last().Route.Target.ShouldBe("cloud:gpu-2/CPU");
        records.ShouldContain(r => r.Route.Reasons.Any(x => x.StartsWith("failed cloud:gpu-1/CPU", StringComparison.Ordinal))
                                   || r.Route.Reasons.Any(x => Regex.IsMatch(x, @"^lost cloud:gpu-1/CPU.*(breaker|unavailable)", RegexOptions.IgnoreCase)),
            string.Join("\n", afterKill.Take(5).Select(r => r.Route.Target + " [" + string.Join(" | ", r.Route.Reasons) + "]")));
        foreach (var r in settled)
        {
            ObservationRecord.Read(r, out _, out var inference);
            var run = inference.Runs.ShouldHaveSingleItem();
            run.Degraded.ShouldBeFalse();
            run.Version.ShouldBe("1.0.0");
            run.Score.ShouldNotBeNull();
        }

        var replay = await MeshCli.RunAsync(Deadline, "replay", "--journal", edge.JournalPath, "--json");
        replay.ExitCode.ShouldBe(0, replay.ToString());
        var report = JsonDocument.Parse(replay.Stdout).RootElement;
        report.GetProperty("readings").GetInt64().ShouldBe(seq);
        report.GetProperty("divergences").GetArrayLength().ShouldBe(0, replay.Stdout);
        report.GetProperty("problems").GetArrayLength().ShouldBe(0, replay.Stdout);
    }

    private const string Policy = """
        site: off-a
        version: 1
        groups:
          - { id: rooms, devices: ["room-*"], skills: [anomaly] }
        rules:
          - id: odd-reading
            groups: [rooms]
            when: { model: anomaly, output: score, ge: 0.5 }
            clear: { model: anomaly, output: score, lt: 0.2 }
            action: inspect
            clear_action: inspect-done
        routing:
          max_latency: 2s
          raw_readings_leave_site: true
        """;

    private static List<AuditRecord> Observations(RunningNode node) =>
        JournalFile.OfDevice(node.JournalPath, "room-1").Where(r => r.Kind == AuditKind.Observation).ToList();

    /// <summary>The shipped profiles plus slow-edge: the generic box with a prior for the model far beyond the deadline.</summary>
    private static string SlowEdgeProfiles(string folder)
    {
        Directory.CreateDirectory(folder);
        var shipped = Path.Combine(AppContext.BaseDirectory, "hardware-profiles");
        foreach (var f in Directory.GetFiles(shipped, "*.yaml"))
            File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        var generic = File.ReadAllText(Path.Combine(shipped, "generic-x64-cpu.yaml"));
        var slow = Regex.Replace(generic.Replace("id: generic-x64-cpu", "id: slow-edge"),
            @"(anomaly:\s*\n\s*CPU: \{ )p50_ms: [0-9.]+, p99_ms: [0-9.]+", "${1}p50_ms: 3000, p99_ms: 5000");
        slow.ShouldContain("p50_ms: 3000, p99_ms: 5000");
        File.WriteAllText(Path.Combine(folder, "slow-edge.yaml"), slow);
        return folder;
    }

    private static async Task WaitForPortAsync(int port) => await Poll.UntilAsync(async () =>
    {
        try
        {
            using var c = new TcpClient();
            await c.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }, Deadline, $"the Inference service on port {port}");
}
