using Grpc.Core;
using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Hub.Tests.Gossip;

/// <summary>Site-state gossip over real gRPC: the hub merges what nodes send by the CRDT rules and answers with the
/// changes after each node's cursor; a malformed request changes nothing.</summary>
public sealed class SiteGossipTests
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-24T08:00:00Z").ToUnixTimeMilliseconds();

    private static GossipRequest Request(string node, ulong cursor, params SiteEntry[] entries)
    {
        var r = new GossipRequest { NodeId = node, Site = "site-g", Cursor = cursor };
        r.Entries.AddRange(entries.Select(SiteEntryCodec.Encode));
        return r;
    }

    private static CommandsEntry Command(string node, string action, int priority, long wall) =>
        new("commands/fan-1", MvRegister<DeviceCommand>.Empty.Write(node, new DeviceCommand(action, "rule-" + action, priority, new HlcTimestamp(wall, 0, node), 1)));

    [Fact]
    public async Task Exchange_TwoNodesConcurrentCommands_BothSeeTheSameConflictAndWinner()
    {
        await using var hub = await HubHarness.StartAsync();
        var a = await hub.Gossip.ExchangeAsync(Request("edge-a", 0, Command("edge-a", "fan-high", 10, T0)));
        var b = await hub.Gossip.ExchangeAsync(Request("edge-b", 0, Command("edge-b", "fan-off", 20, T0 - 1000)));
        var a2 = await hub.Gossip.ExchangeAsync(Request("edge-a", a.Cursor));

        var atB = (CommandsEntry)SiteEntryCodec.Decode(b.Entries.ShouldHaveSingleItem(), out _)!;
        var atA = (CommandsEntry)SiteEntryCodec.Decode(a2.Entries.ShouldHaveSingleItem(), out _)!;
        atA.ShouldBe(atB, "both nodes now hold the same register");
        var conflict = CommandConflicts.Resolve("fan-1", atA.Commands.Values).ShouldNotBeNull();
        conflict.Winner.Action.ShouldBe("fan-off", "priority 20 beats 10 although its clock is earlier");
        a2.Cursor.ShouldBeGreaterThan(a.Cursor);
    }

    [Fact]
    public async Task Exchange_SameEntriesAgainAndOutOfOrder_ChangeNothing()
    {
        await using var hub = await HubHarness.StartAsync();
        var budget1 = new BudgetEntry("budget/2026-11-24", PnCounter.Zero.Add("edge-a", 100));
        var budget2 = new BudgetEntry("budget/2026-11-24", PnCounter.Zero.Add("edge-a", 250));
        var first = await hub.Gossip.ExchangeAsync(Request("edge-a", 0, budget2));
        var again = await hub.Gossip.ExchangeAsync(Request("edge-a", first.Cursor, budget1, budget2));
        again.Entries.ShouldBeEmpty("an older or repeated entry changes nothing at the hub");
        again.Cursor.ShouldBe(first.Cursor);
        var stored = hub.App.Services.GetRequiredService<HubStore>().ReadSiteState("site-g").ShouldHaveSingleItem();
        ((BudgetEntry)stored).Spent.Value.ShouldBe(250);
    }

    [Fact]
    public async Task Exchange_OneMalformedEntry_RefusedWithItsIndexAndNothingMerged()
    {
        await using var hub = await HubHarness.StartAsync();
        var request = Request("edge-a", 0, new BudgetEntry("budget/2026-11-24", PnCounter.Zero.Add("edge-a", 5)));
        request.Entries.Add(new CrdtEntry { Key = "mode/fan-1", Counter = new PnCounterValue() });
        var ex = await Should.ThrowAsync<RpcException>(() => hub.Gossip.ExchangeAsync(request).ResponseAsync);
        ex.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        ex.Status.Detail.ShouldContain("entries[1]");
        ex.Status.Detail.ShouldContain("mode/fan-1");
        hub.App.Services.GetRequiredService<HubStore>().ReadSiteState("site-g").ShouldBeEmpty("nothing of a refused request is merged");
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 70 && e.Message.Contains("entries[1]"));
    }

    [Fact]
    public async Task Exchange_CursorBeyondPage_ReturnsTheRestOnTheNextCall()
    {
        await using var hub = await HubHarness.StartAsync();
        var entries = Enumerable.Range(0, 2500).Select(i => (SiteEntry)new AlarmsEntry($"alarms/dev-{i:D4}", OrSet<string>.Empty.Add("edge-a", "overheat"))).ToArray();
        await hub.Gossip.ExchangeAsync(Request("edge-a", 0, entries[..1500]));
        await hub.Gossip.ExchangeAsync(Request("edge-a", 0, entries[1500..]));
        var page1 = await hub.Gossip.ExchangeAsync(Request("edge-b", 0));
        var page2 = await hub.Gossip.ExchangeAsync(Request("edge-b", page1.Cursor));
        page1.Entries.Count.ShouldBe(2000);
        page2.Entries.Count.ShouldBe(500);
        page1.Entries.Concat(page2.Entries).Select(e => e.Key).Distinct().Count().ShouldBe(2500);
    }
}
