using System.Text.Json;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Hub.Storage;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Time;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.EndToEnd.Tests;

/// <summary>A three-node site where one member's wall clock runs five minutes ahead (libfaketime on the real process).
/// Devices move off it and back; hybrid logical clocks keep every later write ordered after the earlier ones.</summary>
public sealed class ClockSkewTests
{
    private const int Devices = 18;

    [Fact]
    public async Task MemberClockFiveMinutesAhead_TakeoversAndModesStillOrderedByHlc()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        using var site = new SiteMembers(dir, "site-k", 3);
        site.SkewClock(2, "+5m");
        string[] sync = [$"--Node:Sync:HubUrl={hub.Address}", "--Node:Sync:GossipInterval=00:00:00.200"];
        await site.StartAllAsync(sync);

        long acked = 0;
        var progress = new Progress<SimulationProgress>(p => Interlocked.Exchange(ref acked, p.Acknowledged));
        var run = new SensorSimulator().RunAsync(Options(site, 200, 1), progress, CancellationToken.None);
        await Poll.UntilAsync(() => site.Journals()[2].Count(r => r.Kind == AuditKind.Observation) >= 30, TimeSpan.FromSeconds(90),
            $"the skewed member decides readings\n{site.Output}");
        site.Kill(2); // its devices move to members whose clocks are five minutes behind its stamps
        var first = await run;
        first.Acknowledged.ShouldBe(Devices * 200, site.Output);

        var journals = site.Journals();
        var skewedStamp = journals[2].Max(r => r.Hlc.WallMillis);
        skewedStamp.ShouldBeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 200_000, "the member's clock really ran ahead");
        var takeovers = journals[0].Concat(journals[1]).Where(r => r.Kind == AuditKind.DeviceTakenOver && r.Outcome == "from site-k-n3").ToList();
        takeovers.ShouldNotBeEmpty();
        foreach (var t in takeovers)
        {
            var replica = JsonDocument.Parse(t.Body).RootElement.GetProperty("replica_stamp").GetString()!;
            t.Hlc.WallMillis.ShouldBeGreaterThanOrEqualTo(ParseWall(replica), $"{t.Device}: the adopting member's clock observed the replica's stamp");
        }

        // Every device's mode at the hub is the action of its newest command, whichever member sent it and however its clock ran.
        await Poll.UntilAsync(() => ModesMatchNewestActions(hub, site.Journals()), TimeSpan.FromSeconds(30),
            "the hub's device modes follow the newest command of each device");
    }

    private static SimulatorOptions Options(SiteMembers site, int readings, long startSeq) => new()
    {
        Ports = site.MqttPorts, Sites = ["site-k"], Devices = Devices, ReadingsPerDevice = readings, Rate = 400,
        StartSeq = startSeq, GiveUpAfter = TimeSpan.FromMinutes(3),
    };

    private static long ParseWall(string stamp) => DateTimeOffset.Parse(stamp[..stamp.IndexOf('#')]).ToUnixTimeMilliseconds();

    private static bool ModesMatchNewestActions(LocalHub hub, List<AuditRecord>[] journals)
    {
        var newest = journals.SelectMany(j => j.Where(r => r.Kind == AuditKind.Action))
            .Select(r => (r.Device, Seq: long.Parse(r.MessageKey.Split('#')[1].Split('/')[0]), Action: JsonDocument.Parse(r.Body).RootElement.GetProperty("action").GetString()))
            .GroupBy(a => a.Device)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.Seq).Action);
        var modes = hub.App.Services.GetRequiredService<HubStore>().ReadSiteState("site-k").OfType<ModeEntry>()
            .ToDictionary(m => SiteKeys.DeviceOf(m.Key), m => m.Register.Value.Mode);
        return newest.Count > 0 && newest.All(n => modes.GetValueOrDefault(n.Key) == n.Value);
    }
}
