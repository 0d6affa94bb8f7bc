using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Mesh.Cli.Chaos;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.Protocol.Audit;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench site</c>: a three-node site of real processes (fault proxies in front of their cluster endpoints)
/// under sensor load. Measures how long the survivors take to take over the devices of a member killed with SIGKILL,
/// how long a restarted member takes to be up again, and how long the members' replicas of the site state take to
/// become identical after a partition heals: a short one (nobody is downed) and a long one (the split-brain resolver
/// downs the cut-off member, which stops and is started again).
/// </summary>
public static class SiteBench
{
    public static Command Command()
    {
        var devices = new Option<int>("--devices") { Description = "simulated devices of the site", DefaultValueFactory = _ => 30 };
        var rate = new Option<double>("--rate") { Description = "readings per second across the devices", DefaultValueFactory = _ => 300 };
        var longCut = new Option<double>("--long-partition") { Description = "seconds of the long partition (longer than detection + stable-after)", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var data = new Option<string?>("--data") { Description = "Keep the members' files in this directory (default: a temporary one, removed)" };
        var command = new Command("site", "Takeover after SIGKILL, rejoin, and site-state convergence after healing partitions, on a three-node site") { devices, rate, longCut, json, data };
        command.SetAction(async (r, ct) =>
        {
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            var result = await RunAsync(r.GetValue(devices), r.GetValue(rate), TimeSpan.FromSeconds(r.GetValue(longCut)), r.GetValue(data), say, ct).ConfigureAwait(false);
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !asJson }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<object> RunAsync(int devices, double rate, TimeSpan longCut, string? keep, Action<string> say, CancellationToken ct)
    {
        var dir = keep is null ? Path.Combine(Path.GetTempPath(), "mesh-bench-site-" + Guid.NewGuid().ToString("N")[..8]) : Path.GetFullPath(keep);
        var clusterPorts = Enumerable.Range(0, 3).Select(_ => ChildProcess.FreePort()).ToArray();
        var proxies = clusterPorts.Select(FaultProxy.Start).ToArray();
        var statusPorts = Enumerable.Range(0, 3).Select(_ => ChildProcess.FreePort()).ToArray();
        var members = Enumerable.Range(0, 3).Select(i => new SiteMemberProcess($"bench-n{i + 1}", "site-bench", Path.Combine(dir, $"n{i + 1}"),
            ChildProcess.FreePort(), clusterPorts[i],
        [
            "--Node:Cluster:Enabled=true", $"--Node:Cluster:PublicPort={proxies[i].Port}",
            $"--Node:Cluster:Seeds:0=127.0.0.1:{proxies[0].Port}", $"--Node:Cluster:Seeds:1=127.0.0.1:{proxies[1].Port}",
            "--Node:Cluster:FailureDetectionPause=00:00:02", "--Node:Cluster:StableAfter=00:00:03", $"--Node:StatusUrl=http://127.0.0.1:{statusPorts[i]}",
            // The site's takeover and convergence are measured here, not device credentials ('mesh bench ingest' measures those).
            "--Node:Devices:AllowAnonymous=true",
        ])).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var clock = Stopwatch.StartNew();
            await members[0].StartAsync().ConfigureAwait(false);
            await Task.WhenAll(members.Skip(1).Select(m => m.StartAsync())).ConfigureAwait(false);
            await UntilAsync(() => Task.FromResult(members.All(m => m.MembersUp() == 3)), "the cluster forms", ct).ConfigureAwait(false);
            var formed = clock.Elapsed;
            say($"cluster of 3 formed in {formed.TotalSeconds:0.0} s (processes started together)");
            var seq = 1L;
            HashSet<string> owned;
            TimeSpan? first = null;
            TimeSpan takeoverAll;
            TimeSpan removedAfter;
            int takenOver;

            // Takeover: the devices of a member killed with SIGKILL are decided by the survivors again.
            using (var loadStop = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var load = Load(members, devices, rate, TimeSpan.FromMinutes(2), ref seq, loadStop.Token);
                // n3 must be deciding its devices' readings (its agents started and replicated), not just hold their shards.
                await UntilAsync(() => Task.FromResult(members[2].Count(AuditKind.Observation) >= 100), "n3 decides readings", ct).ConfigureAwait(false);
                owned = await OwnedAsync(http, statusPorts[2], ct).ConfigureAwait(false);
                var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                clock.Restart();
                members[2].Kill();
                await UntilAsync(() =>
                {
                    var resumed = ResumedOn(members.Take(2), owned, killedAt);
                    if (resumed.Count > 0 && first is null)
                        first = clock.Elapsed;
                    return Task.FromResult(resumed.Count == owned.Count);
                }, () => $"every device of n3 is decided again on a survivor (still waiting: {string.Join(", ", owned.Except(ResumedOn(members.Take(2), owned, killedAt)))})", ct).ConfigureAwait(false);
                takeoverAll = clock.Elapsed;
                takenOver = TakenOverFrom(members.Take(2), "bench-n3").Count;
                removedAfter = RemovedAfter(members[0], "bench-n3", killedAt);
                say($"n3 removed from the cluster (downed by the split-brain resolver) {removedAfter.TotalSeconds:0.0} s after the kill");
                say($"SIGKILL of n3 (owning {owned.Count} devices): the first decided again on a survivor after {first!.Value.TotalSeconds:0.0} s, all after {takeoverAll.TotalSeconds:0.0} s ({takenOver} DeviceTakenOver records)");
                await loadStop.CancelAsync().ConfigureAwait(false);
                try { await load.ConfigureAwait(false); } catch (OperationCanceledException) { }
            }

            // Rejoin: the killed member starts again.
            clock.Restart();
            await members[2].StartAsync().ConfigureAwait(false);
            await UntilAsync(async () => await UpEverywhereAsync(http, statusPorts, ct).ConfigureAwait(false), "n3 is up again in every member's view", ct).ConfigureAwait(false);
            var rejoin = clock.Elapsed;
            say($"n3 restarted and up in every member's view after {rejoin.TotalSeconds:0.0} s");

            var shortHeal = await PartitionAsync(members, proxies, TimeSpan.FromSeconds(1.5), restart: false, devices, rate, statusPorts, http, () => seq += 100_000, say, ct).ConfigureAwait(false);
            var longHeal = await PartitionAsync(members, proxies, longCut, restart: true, devices, rate, statusPorts, http, () => seq += 100_000, say, ct).ConfigureAwait(false);
            return new
            {
                members = 3,
                devices,
                rate,
                formed_s = Round(formed),
                takeover = new { removed_from_cluster_s = Round(removedAfter), devices_of_killed_member = owned.Count, first_decided_again_s = Round(first!.Value), all_decided_again_s = Round(takeoverAll), device_taken_over_records = takenOver },
                rejoin_s = Round(rejoin),
                short_partition = new { cut_s = 1.5, converged_after_heal_s = Round(shortHeal) },
                long_partition = new { cut_s = longCut.TotalSeconds, converged_after_heal_s = Round(longHeal), note = "includes the downed member's restart" },
            };
        }
        finally
        {
            foreach (var m in members)
                m.Dispose();
            foreach (var p in proxies)
                await p.DisposeAsync().ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (keep is null)
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Load during the cut, then quiet, then heal: the time from healing until every member reports the same digest.</summary>
    private static async Task<TimeSpan> PartitionAsync(IReadOnlyList<SiteMemberProcess> members, FaultProxy[] proxies, TimeSpan cut, bool restart, int devices, double rate,
        int[] statusPorts, HttpClient http, Func<long> nextSeq, Action<string> say, CancellationToken ct)
    {
        var seq = nextSeq();
        using var loadStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = Load(members, devices, rate, TimeSpan.FromMinutes(2), ref seq, loadStop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        FaultProxy.Isolate(proxies, 2, members[2].ProcessId);
        await Task.Delay(cut, ct).ConfigureAwait(false);
        if (restart)
            await UntilAsync(() => Task.FromResult(!members[2].Alive()), "the cut-off member is downed and stops", ct).ConfigureAwait(false);
        // The writes stop before the link heals: convergence is measured on a quiet site.
        await loadStop.CancelAsync().ConfigureAwait(false);
        try { await load.ConfigureAwait(false); } catch (OperationCanceledException) { }
        var clock = Stopwatch.StartNew();
        foreach (var proxy in proxies)
            proxy.Heal();
        if (restart)
        {
            members[2].Kill();
            await members[2].StartAsync().ConfigureAwait(false);
        }
        string[] views = [];
        await UntilAsync(async () =>
        {
            var status = await Task.WhenAll(statusPorts.Select(p => StatusAsync(http, p, ct))).ConfigureAwait(false);
            views = [.. status.Select(s => s is not { } v ? "no answer"
                : $"up {v.GetProperty("cluster").GetProperty("members_up").GetArrayLength()}, unreachable {v.GetProperty("cluster").GetProperty("unreachable").GetArrayLength()}, "
                  + $"{v.GetProperty("site_state_entries").GetInt32()} entries, digest {v.GetProperty("site_state_digest").GetString()![..12]}")];
            if (status.Any(s => s is not { } v || v.GetProperty("cluster").GetProperty("members_up").GetArrayLength() != statusPorts.Length
                || v.GetProperty("cluster").GetProperty("unreachable").GetArrayLength() != 0))
                return false;
            return status.Select(s => s!.Value.GetProperty("site_state_digest").GetString()).Distinct().Count() == 1;
        }, () => $"the members' site state converges (members now: {string.Join("; ", views)})", ct).ConfigureAwait(false);
        say($"partition of n3 for {cut.TotalSeconds:0.0} s{(restart ? " (downed, restarted)" : "")}: identical site state on all members {clock.Elapsed.TotalSeconds:0.00} s after healing");
        return clock.Elapsed;
    }

    private static Task<SimulationResult> Load(IReadOnlyList<SiteMemberProcess> members, int devices, double rate, TimeSpan duration, ref long seq, CancellationToken ct)
    {
        var options = new SimulatorOptions
        {
            Ports = [.. members.Select(m => m.MqttPort)], Sites = ["site-bench"], Devices = devices, Rate = rate, Duration = duration,
            StartSeq = seq, GiveUpAfter = TimeSpan.FromMinutes(2), Threshold = 25,
            // Devices that give up on a PUBACK after 2 s: the figures show the site's bound more than the devices' patience.
            AckTimeout = TimeSpan.FromSeconds(2),
        };
        seq += 100_000;
        return new SensorSimulator().RunAsync(options, null, ct);
    }

    private static async Task<JsonElement?> StatusAsync(HttpClient http, int port, CancellationToken ct)
    {
        try
        {
            return JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/status", ct).ConfigureAwait(false)).RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<HashSet<string>> OwnedAsync(HttpClient http, int port, CancellationToken ct) =>
        (await StatusAsync(http, port, ct).ConfigureAwait(false)) is { } s
            ? [.. s.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).Where(d => d.StartsWith("dev-", StringComparison.Ordinal))]
            : [];

    private static async Task<bool> UpEverywhereAsync(HttpClient http, int[] ports, CancellationToken ct)
    {
        foreach (var p in ports)
            if (await StatusAsync(http, p, ct).ConfigureAwait(false) is not { } s || s.GetProperty("cluster").GetProperty("members_up").GetArrayLength() != ports.Length
                || s.GetProperty("cluster").GetProperty("unreachable").GetArrayLength() != 0)
                return false;
        return true;
    }

    /// <summary>Which of <paramref name="devices"/> have an Observation recorded by a survivor after <paramref name="afterMs"/>.</summary>
    private static HashSet<string> ResumedOn(IEnumerable<SiteMemberProcess> survivors, IReadOnlySet<string> devices, long afterMs)
    {
        var resumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in survivors)
        {
            using var c = Mesh.Node.Audit.AuditJournalStore.OpenReader(m.JournalPath);
            var recent = Mesh.Node.Audit.AuditJournalStore.ReadAfter(c, Math.Max(0, Mesh.Node.Audit.AuditJournalStore.Count(c) - 5000), 5000);
            foreach (var row in recent)
            {
                var r = Mesh.Protocol.Audit.AuditRecordCodec.Decode(row.Canonical);
                if (r.Kind == AuditKind.Observation && r.Hlc.WallMillis > afterMs && devices.Contains(r.Device))
                    resumed.Add(r.Device);
            }
        }
        return resumed;
    }

    /// <summary>When <paramref name="member"/> recorded <paramref name="nodeId"/> removed (its SiteMembership record's clock), after <paramref name="afterMs"/>.</summary>
    private static TimeSpan RemovedAfter(SiteMemberProcess member, string nodeId, long afterMs)
    {
        using var c = Mesh.Node.Audit.AuditJournalStore.OpenReader(member.JournalPath);
        var removed = Mesh.Node.Audit.AuditJournalStore.ReadAllOfKind(c, AuditKind.SiteMembership)
            .Where(r => r.Decision == "removed" && r.Outcome == nodeId && r.Hlc.WallMillis > afterMs).Select(r => r.Hlc.WallMillis).DefaultIfEmpty(afterMs).Min();
        return TimeSpan.FromMilliseconds(removed - afterMs);
    }

    private static HashSet<string> TakenOverFrom(IEnumerable<SiteMemberProcess> survivors, string nodeId)
    {
        var devices = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in survivors)
        {
            using var c = Mesh.Node.Audit.AuditJournalStore.OpenReader(m.JournalPath);
            devices.UnionWith(Mesh.Node.Audit.AuditJournalStore.ReadAllOfKind(c, AuditKind.DeviceTakenOver).Where(r => r.Outcome == "from " + nodeId).Select(r => r.Device));
        }
        return devices;
    }

    private static Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken ct) => UntilAsync(condition, () => what, ct);

    private static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"mesh bench site: timed out waiting until {what()}");
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
    }

    private static double Round(TimeSpan t) => Math.Round(t.TotalSeconds, 2);
}
