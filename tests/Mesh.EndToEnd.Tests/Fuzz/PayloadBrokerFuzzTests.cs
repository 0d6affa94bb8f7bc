using System.Security.Cryptography;
using Mesh.Cli.Audit;
using Mesh.Cli.Chaos.Fuzz;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node;
using Mesh.Node.Ingest;
using Mesh.Protocol;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests.Fuzz;

/// <summary>
/// A sample of the generated payloads published at QoS 1 to a real mesh-node's embedded broker: every one is
/// acknowledged, each has its record (an observation for an accepted reading, a Rejected record with its reason and the
/// payload's digest for a refused one), the node stays up and its chain verifies. Each input is its device's only
/// reading, so no input is taken for another's redelivery.
/// </summary>
public sealed class PayloadBrokerFuzzTests
{
    private const int Sample = 1_500;

    [Fact]
    public async Task GeneratedPayloads_ThroughTheBroker_EachAcknowledgedAndRecorded()
    {
        using var dir = new TempDirectory();
        await using var node = await RunningNode.StartAsync("edge-fz", "site-a", dir.Sub("edge-fz"), "http://127.0.0.1:9");
        await using var device = await TestDevice.ConnectAsync(node.MqttPort, "fuzzer");
        var fuzzer = new PayloadFuzzer();
        var inputs = Enumerable.Range(0, Sample).Select(i => fuzzer.Generate(new Random(FuzzSeed.ForInput(4242, i)))).ToList();

        for (var i = 0; i < inputs.Count; i++)
            (await device.PublishAsync(Readings.Telemetry("site-a", DeviceOf(i)), inputs[i]))
                .ShouldBeTrue($"input #{i} acknowledged: {ByteMutations.Show(inputs[i])}\n{node.Process.Output}");

        node.Process.HasExited.ShouldBeFalse();
        var records = JournalFile.ReadAll(node.JournalPath);
        var observed = records.Where(r => r.Kind == AuditKind.Observation).Select(r => r.MessageKey).ToHashSet(StringComparer.Ordinal);
        var rejected = records.Where(r => r.Kind == AuditKind.Rejected).ToList();
        rejected.ShouldAllBe(r => r.Outcome.Length > 0, "every refusal names its reason");
        var rejectedDigests = rejected.Select(r => Convert.ToHexString(r.InputDigest.Span)).ToHashSet(StringComparer.Ordinal);
        var accepted = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var parse = TelemetryParser.Parse(new SiteId("site-a"), new DeviceId(DeviceOf(i)), inputs[i], DateTimeOffset.UtcNow, new IngestOptions());
            if (parse.Observation is { } o)
            {
                accepted++;
                observed.ShouldContain($"{DeviceOf(i)}#{o.Seq}", $"input #{i} has its observation: {ByteMutations.Show(inputs[i])}");
            }
            else
                rejectedDigests.ShouldContain(Convert.ToHexString(SHA256.HashData(inputs[i])), $"input #{i} has its Rejected record ({parse.Error})");
        }
        accepted.ShouldBeGreaterThan(Sample / 10);
        AuditChainChecker.VerifyJournalFile(node.JournalPath, "edge-fz").Ok.ShouldBeTrue();
    }

    private static string DeviceOf(int input) => $"fz-{input:D4}";
}
