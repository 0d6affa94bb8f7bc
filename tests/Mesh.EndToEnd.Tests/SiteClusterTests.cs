using System.Text.Json;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Replay;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>A three-node site of real mesh-node processes (Akka.Cluster, Cluster Sharding, Distributed Data over
/// loopback): a member is SIGKILLed under load, its devices are taken over; it returns and ownership rebalances.</summary>
public sealed class SiteClusterTests
{
    private const int Devices = 24;

    [Fact]
    public async Task MemberSigkilledUnderLoad_DevicesTakenOverThenRebalanced_NoLossNoDuplicateActionReplayMatches()
    {
        using var dir = new TempDirectory();
        using var site = new SiteMembers(dir, "site-c", 3);
        await site.StartAllAsync();

        long acked = 0;
        var progress = new Progress<SimulationProgress>(p => Interlocked.Exchange(ref acked, p.Acknowledged));
        var first = new SensorSimulator().RunAsync(Options(site, readings: 150, startSeq: 1), progress, CancellationToken.None);
        await Poll.UntilAsync(() => site.Journals().All(j => j.Count(r => r.Kind == AuditKind.Observation) >= 30),
            TimeSpan.FromSeconds(90), $"every member deciding readings (the site formed); acknowledged so far {Interlocked.Read(ref acked)}\n{site.Output}");
        site.Kill(2);
        var result = await Bounded(first, site, "the first run's devices finishing after the kill");

        result.Acknowledged.ShouldBe(Devices * 150, $"every reading is acknowledged in the end\n{site.Output}");
        result.Reconnects.ShouldBeGreaterThan(0, "the devices on the killed member's broker moved");
        var journals = site.Journals();
        var takeovers = journals[0].Concat(journals[1]).Where(r => r.Kind == AuditKind.DeviceTakenOver).ToList();
        takeovers.ShouldContain(t => t.Outcome == "from site-c-n3", "the survivors took the killed member's devices over");
        SiteRecords.Assert(journals, result.AckedSeqs, killed: 2);

        // The member comes back (as its supervisor would start it): shards move back to it without a duplicate action.
        await site.StartAsync(2);
        var secondRun = new SensorSimulator().RunAsync(Options(site, readings: 300, startSeq: 1000), null, CancellationToken.None);
        await Poll.UntilAsync(() => site.Journals()[2] is var j
                && j.Any(r => r.Kind == AuditKind.DeviceTakenOver)
                && j.Any(r => r.Kind == AuditKind.Observation && long.Parse(r.MessageKey.Split('#')[1]) >= 1000),
            TimeSpan.FromSeconds(60), $"the returning member took devices back and decides their readings\n{site.Output}");
        var second = await Bounded(secondRun, site, "the second run's devices finishing");
        second.Acknowledged.ShouldBe(Devices * 300, site.Output);
        journals = site.Journals();
        var both = result.AckedSeqs.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<long>)[.. kv.Value, .. second.AckedSeqs.GetValueOrDefault(kv.Key, [])]);
        SiteRecords.Assert(journals, both, killed: 2);
    }

    [Fact]
    public async Task ApprovedCommandOfADeviceOwnedElsewhere_ReachesItThroughItsOwnBroker()
    {
        using var dir = new TempDirectory();
        var policy = Path.Combine(dir.Path, "policy.yaml");
        await File.WriteAllTextAsync(policy, """
            site: site-r
            version: 1
            rules:
              - id: vent
                when: { metric: temperature, gt: 30 }
                action: vent-open
                gate: require_approval
                approval: { role: operator, timeout: 1s, on_timeout: approve, offline: defer, max_age: 1m }
            """);
        using var site = new SiteMembers(dir, "site-r", 2);
        await site.StartAllAsync($"--Node:Policy:File={policy}");
        await site.WaitUntilEveryMemberDecidesAsync(TimeSpan.FromSeconds(60));
        var devices = Enumerable.Range(1, 8).Select(i => $"vent-{i}").ToArray();
        var connected = new List<TestDevice>();
        try
        {
            foreach (var id in devices)
            {
                // Every device on the first member's broker; Cluster Sharding places about half of them on the second member.
                var device = await TestDevice.ConnectAsync(site.MqttPorts[0], id);
                await device.SubscribeAsync(Readings.Command("site-r", id));
                connected.Add(device);
                (await device.PublishAsync(Readings.Telemetry("site-r", id), Readings.Temperature(1, 35))).ShouldBeTrue();
            }
            await Poll.UntilAsync(() => connected.All(d => d.Received.Any(r => r.Payload.Contains("\"vent-open\""))), TimeSpan.FromSeconds(60),
                $"every device gets its approved command, whichever member owns it\n{site.Output}");
            var owners = site.Journals().Select(j => j.Where(r => r.Kind == AuditKind.ApprovalResolved).Select(r => r.Device).ToHashSet()).ToArray();
            owners[1].ShouldNotBeEmpty("some devices were owned by the member whose broker they are not on");
        }
        finally
        {
            foreach (var d in connected)
                await d.DisposeAsync();
        }
    }

    /// <summary>The simulator gives a reading up after <c>GiveUpAfter</c>; should a device still not finish, the test fails
    /// with the members' output rather than waiting for ever.</summary>
    private static async Task<SimulationResult> Bounded(Task<SimulationResult> run, SiteMembers site, string what)
    {
        try
        {
            return await run.WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} took over 5 minutes\n{site.Output}");
        }
    }

    private static SimulatorOptions Options(SiteMembers site, int readings, long startSeq) => new()
    {
        Ports = site.MqttPorts, Sites = ["site-c"], Devices = Devices, ReadingsPerDevice = readings, Rate = 400,
        StartSeq = startSeq, GiveUpAfter = TimeSpan.FromMinutes(3),
    };
}
