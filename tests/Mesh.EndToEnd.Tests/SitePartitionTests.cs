using System.Diagnostics;
using System.Text.Json;
using Mesh.Cli.Chaos;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests;

/// <summary>A partition inside a three-node site of real processes: a fault proxy in front of one member's cluster
/// endpoint is cut under load. The majority downs it (keep-majority) and it stops; after the link heals it starts
/// again, as its supervisor would. Then every device has exactly one owner and every replica holds the same CRDT state.</summary>
public sealed class SitePartitionTests
{
    private const int Devices = 18;

    [Fact]
    public async Task MemberPartitionedUnderLoad_AfterHealing_OneOwnerPerDeviceAndIdenticalSiteState()
    {
        using var dir = new TempDirectory();
        using var site = new SiteMembers(dir, "site-p", 3);
        site.UseProxies();
        await site.StartAllAsync();
        await site.WaitUntilEveryMemberDecidesAsync(TimeSpan.FromSeconds(90));

        var run = new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Ports = site.MqttPorts, Sites = ["site-p"], Devices = Devices, ReadingsPerDevice = 250, Rate = 300,
            StartSeq = 1, GiveUpAfter = TimeSpan.FromMinutes(3),
        }, null, CancellationToken.None);
        await Poll.UntilAsync(() => site.Journals()[2].Count(r => r.Kind == AuditKind.Observation && r.Device.StartsWith("dev-")) >= 20,
            TimeSpan.FromSeconds(60), "the member to be partitioned decides readings");

        FaultProxy.Isolate(site.Proxies, 2, site[2]!.Id);
        await Poll.UntilAsync(() => site.Exited(2), TimeSpan.FromSeconds(60),
            $"the majority downs the partitioned member and it stops\n{site.Output}");
        foreach (var proxy in site.Proxies)
            proxy.Heal();
        var healed = Stopwatch.StartNew();
        await site.StartAsync(2);

        var result = await run;
        result.Acknowledged.ShouldBe(Devices * 250, site.Output);
        string[] digests = [];
        await Poll.UntilAsync(async () =>
        {
            var status = await Task.WhenAll(Enumerable.Range(0, 3).Select(site.StatusAsync));
            if (status.Any(s => s is null || s.Value.GetProperty("cluster").GetProperty("members_up").GetArrayLength() != 3))
                return false;
            var owned = status.SelectMany(s => s!.Value.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!)).ToList();
            owned.GroupBy(d => d).Where(g => g.Count() > 1).ShouldBeEmpty("a device has one owner");
            digests = [.. status.Select(s => s!.Value.GetProperty("site_state_digest").GetString()!)];
            return digests.Distinct().Count() == 1 && status.All(s => s!.Value.GetProperty("site_state_entries").GetInt32() > 0);
        }, TimeSpan.FromSeconds(60), $"the members agree on the site state after healing: {string.Join(", ", digests)}");
        Console.WriteLine($"site state converged {healed.Elapsed.TotalSeconds:0.0} s after healing (member restart included)");

        var journals = site.Journals();
        journals[0].Concat(journals[1]).ShouldContain(r => r.Kind == AuditKind.SiteMembership && r.Decision == "removed" && r.Outcome == "site-p-n3",
            "the survivors recorded the partitioned member's removal");
        SiteRecords.Assert(journals, result.AckedSeqs, killed: 2);
    }
}
