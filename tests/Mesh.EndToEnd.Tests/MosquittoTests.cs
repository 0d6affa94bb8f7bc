using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Ingest;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.EndToEnd.Tests;

/// <summary>Mosquitto as the external broker: the node subscribes with a persistent session and manual acknowledgement.</summary>
public sealed class MosquittoTests
{
    [Fact]
    public async Task ExternalMosquitto_EveryPublishedReadingIsRecordedOnce()
    {
        using var dir = new TempDirectory();
        using var broker = await MosquittoBroker.StartAsync();
        await using var node = await LocalNode.StartAsync("edge-m", "site-a", dir.Sub("edge-m"), hubUrl: null,
            mqttPort: broker.Port, extraArgs: ["--Node:Mqtt:Mode=External", "--Node:Mqtt:Host=127.0.0.1"]);
        var subscriber = node.Host.Services.GetRequiredService<ExternalBrokerSubscriber>();
        await Poll.UntilAsync(() => subscriber.IsSubscribed, TimeSpan.FromSeconds(30), "the node subscribed at mosquitto");

        var sim = await new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = broker.Port, Sites = ["site-a"], Devices = 10, ReadingsPerDevice = 100, Rate = 0, MalformedShare = 0.05,
        }, null, CancellationToken.None);

        sim.Acknowledged.ShouldBe(sim.AttemptedValid);
        await Poll.UntilAsync(() => JournalCounts.Read(node.JournalPath).Observations == sim.Acknowledged, TimeSpan.FromSeconds(60),
            $"{sim.Acknowledged} observations recorded from mosquitto");
        await Poll.UntilAsync(() => node.Stats.Rejected == sim.AcknowledgedMalformed, TimeSpan.FromSeconds(30), "every malformed payload rejected");
        var journal = JournalCounts.Read(node.JournalPath);
        journal.Missing(sim.AckedSeqs).ShouldBeEmpty();
        journal.DuplicateObservations.ShouldBe(0);
        AuditChainChecker.VerifyJournalFile(node.JournalPath, "edge-m").Ok.ShouldBeTrue();
    }
}
