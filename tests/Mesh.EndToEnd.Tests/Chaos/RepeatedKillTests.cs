using Mesh.Cli.Chaos.Run;
using Xunit.Abstractions;

namespace Mesh.EndToEnd.Tests.Chaos;

/// <summary>
/// Five rounds of faults under load (<see cref="ChaosRunner"/>, the code of <c>mesh chaos run</c>): in each, a mesh-node
/// killed with SIGKILL and restarted, a node cut from the hub and healed, the hub killed with SIGKILL and restarted, all
/// while simulated devices publish to two nodes. Then: nothing acknowledged lost, no reading decided or commanded twice,
/// chains verify at each node and at the hub, every rejection names its reason, and every process is up.
/// </summary>
public sealed class RepeatedKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FiveRoundsOfKillsAndPartitionsUnderLoad_NothingAcknowledgedLostNothingTwiceChainsVerify()
    {
        var report = await new ChaosRunner(new ChaosRunOptions
        {
            Duration = TimeSpan.FromSeconds(45), Nodes = 2, DevicesPerNode = 4, Rate = 20, FaultEvery = TimeSpan.FromSeconds(3),
            PartitionFor = TimeSpan.FromSeconds(2), Rounds = 5, Seed = 7,
        }, output.WriteLine).RunAsync(CancellationToken.None);
        ChaosSummary.Print(report, output.WriteLine);

        report.Problems.ShouldBeEmpty();
        report.NodeKills.ShouldBe(5);
        report.HubKills.ShouldBe(5);
        report.Partitions.ShouldBe(5);
        report.ReadingsAcknowledged.ShouldBeGreaterThan(500, "the faults struck under load");
        report.RejectionsByReason.ShouldNotBeEmpty("the malformed readings were refused");
    }
}
