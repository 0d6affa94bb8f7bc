using System.Text.Json;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Hub.Storage;
using Mesh.Node.Ingest;
using Mesh.Node.SiteState;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Crdt;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// Two nodes of one site that are not one cluster both serve a device through a shared Mosquitto broker, under
/// different policy versions (a rollout in progress) whose rules contradict each other. Both send their command; the
/// site state gossiped through the hub shows the conflict, and both nodes resolve it the same way.
/// </summary>
public sealed class CommandConflictTests
{
    private const string Site = "site-x";

    /// <param name="transport">How the site state travels: gRPC gossip through the hub, or the site's NATS JetStream
    /// gossip stream (which the hub reads too).</param>
    [Theory]
    [InlineData("Grpc")]
    [InlineData("Nats")]
    public async Task ContradictoryCommandsFromTwoNodes_OneWinnerRecordedOnBothSides_LoserCompensates(string transport)
    {
        using var dir = new TempDirectory();
        using var broker = await MosquittoBroker.StartAsync();
        using var nats = transport == "Nats" ? await NatsServer.StartAsync() : null;
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"), extraArgs: nats is null ? [] : [$"--Hub:Nats:Url={nats.Url}", "--Hub:Nats:DiscoverInterval=00:00:00.500"]);
        string[] sync = nats is null ? [] : ["--Node:Sync:Transport=Nats", $"--Node:Sync:NatsUrl={nats.Url}"];
        await using var a = await StartAsync(dir, "edge-a", hub, broker, "fan-boost", "fan-high", priority: 10, version: 1, sync);
        await using var b = await StartAsync(dir, "edge-b", hub, broker, "fan-quiet", "fan-off", priority: 20, version: 2, sync);
        await using var device = await TestDevice.ConnectAsync(broker.Port, "fan-1");
        await device.SubscribeAsync(Readings.Command(Site, "fan-1"));

        (await device.PublishAsync(Readings.Telemetry(Site, "fan-1"), Readings.Temperature(1, 35))).ShouldBeTrue();

        await Poll.UntilAsync(() => Conflict(a) is not null && Conflict(b) is not null, TimeSpan.FromSeconds(60),
            () => $"both nodes record the conflict; commands at the device: {string.Join(", ", device.Received.Select(r => r.Payload))}; journals: a {string.Join(",", JournalFile.ReadAll(a.JournalPath).Select(r => r.Kind))} b {string.Join(",", JournalFile.ReadAll(b.JournalPath).Select(r => r.Kind))}; edge-a said:\n{a.Node.Log}\nedge-b said:\n{b.Node.Log}");
        var atA = Conflict(a)!;
        var atB = Conflict(b)!;
        atA.MessageKey.ShouldBe(atB.MessageKey, "the same conflict id on both sides");
        atB.Outcome.ShouldBe(ConflictRecord.Won);
        atA.Outcome.ShouldBe(ConflictRecord.Withdrawn);
        foreach (var record in new[] { atA, atB })
        {
            record.Decision.ShouldBe("fan-off", "priority 20 beats priority 10");
            var body = JsonDocument.Parse(record.Body).RootElement;
            body.GetProperty("winner").GetProperty("node").GetString().ShouldBe("edge-b");
            body.GetProperty("withdrawn")[0].GetProperty("action").GetString().ShouldBe("fan-high");
            body.GetProperty("reason").GetString()!.ShouldContain("priority 20 > 10");
        }

        // The loser sent the winner's command again: the device ends on fan-off, whatever order the first two came in.
        await Poll.UntilAsync(() => device.Received.Count(r => Action(r.Payload) == "fan-off") >= 2, TimeSpan.FromSeconds(30),
            "the withdrawn command is compensated by the winner's");
        device.Received.Count(r => Action(r.Payload) == "fan-high").ShouldBe(1);
        // Every replica converges on one value: the winner's.
        await Poll.UntilAsync(() => Register(a.Node) == "fan-off" && Register(b.Node) == "fan-off" && HubRegister(hub) == "fan-off",
            TimeSpan.FromSeconds(30), () => $"the register collapsed everywhere: a={Register(a.Node)} b={Register(b.Node)} hub={HubRegister(hub)}");
    }

    private sealed record Member(LocalNode Node, string JournalPath) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Node.DisposeAsync();
    }

    private static async Task<Member> StartAsync(TempDirectory dir, string nodeId, LocalHub hub, MosquittoBroker broker, string rule, string action, int priority, int version,
        string[] sync)
    {
        var policy = Path.Combine(dir.Sub("policies"), nodeId + ".yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(policy)!);
        await File.WriteAllTextAsync(policy, $"""
            site: {Site}
            version: {version}
            rules:
              - id: {rule}
                when: {"{"} metric: temperature, gt: 30 {"}"}
                action: {action}
                priority: {priority}
            """);
        var node = await LocalNode.StartAsync(nodeId, Site, dir.Sub(nodeId), hub.Address.ToString(), mqttPort: broker.Port,
            logLevel: Microsoft.Extensions.Logging.LogLevel.Information, extraArgs: ["--Node:Mqtt:Mode=External", "--Node:Mqtt:Host=127.0.0.1", $"--Node:Policy:File={policy}", "--Node:Sync:GossipInterval=00:00:00.200", .. sync]);
        var subscriber = node.Host.Services.GetRequiredService<ExternalBrokerSubscriber>();
        await Poll.UntilAsync(() => subscriber.IsSubscribed, TimeSpan.FromSeconds(30), $"{nodeId} subscribed at mosquitto");
        return new Member(node, node.JournalPath);
    }

    private static AuditRecord? Conflict(Member m) => JournalFile.ReadAll(m.JournalPath).FirstOrDefault(r => r.Kind == AuditKind.ConflictResolved);

    private static string? Action(string payload) => JsonDocument.Parse(payload).RootElement.TryGetProperty("action", out var a) ? a.GetString() : null;

    private static string? Register(LocalNode node) => Single(node.Host.Services.GetRequiredService<SiteStateStore>().Get(SiteKeys.Commands("fan-1")));

    private static string? HubRegister(LocalHub hub) =>
        Single(hub.App.Services.GetRequiredService<HubStore>().ReadSiteState(Site).FirstOrDefault(e => e.Key == SiteKeys.Commands("fan-1")));

    private static string? Single(SiteEntry? entry) =>
        entry is CommandsEntry { Commands.Values: [var only] } ? only.Value.Action : null;
}
