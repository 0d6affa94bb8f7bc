using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Node.Tests.Agents;

/// <summary>A device agent under the built-in policy (the default cooling rule).</summary>
public sealed class DeviceAgentTests(Xunit.Abstractions.ITestOutputHelper output) : AgentTestKit(output)
{
    private static Observation Hot(long seq, double temperature) =>
        Reading(seq, DateTimeOffset.UnixEpoch.AddSeconds(seq), ("temperature", temperature));

    [Fact]
    public void Observe_HotReading_DecidesCoolingOnAndRecordsObservationDecisionAction()
    {
        var agent = StartAgent(Settings(snapshotEvery: 3));

        var reply = Decide(agent, Hot(1, 35.0));

        reply.Outcome.ShouldBe(DecisionOutcome.Accepted);
        reply.Publish.ShouldHaveSingleItem().Action.ShouldBe("cooling-on");
        var records = DeviceRecords();
        records.Select(r => r.Kind).ShouldBe([AuditKind.Observation, AuditKind.Decision, AuditKind.Action]);
        records.ShouldAllBe(r => r.MessageKey.StartsWith("dev-1#1") && r.Device == "dev-1" && r.Site == "site-a");
        records[1].Rule.ShouldBe("overheat");
        records[1].Outcome.ShouldBe("allowed");
        records[1].Route.Target.ShouldBe("deterministic");
        records.ShouldAllBe(r => r.PolicyVersion == Policies.Current.Ref);
        Policies.Current.Ref.ShouldStartWith("v1/");
    }

    [Fact]
    public void Observe_RedeliveredReading_IsNotDecidedOrRecordedTwice()
    {
        var agent = StartAgent(Settings(snapshotEvery: 3));
        Decide(agent, Hot(1, 35.0));

        var reply = Decide(agent, Hot(1, 35.0));

        reply.Outcome.ShouldBe(DecisionOutcome.Duplicate);
        reply.Publish.ShouldBeEmpty();
        DeviceRecords().Count.ShouldBe(3);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1000)]
    public void Restart_AgentRecoversStateFromItsJournal(int snapshotEvery)
    {
        var settings = Settings(snapshotEvery);
        var agent = StartAgent(settings);
        for (var seq = 1; seq <= 5; seq++)
            Decide(agent, Hot(seq, seq == 1 ? 35.0 : 31.0));
        if (snapshotEvery == 3)
            AwaitCondition(() => SnapshotCount() > 0, Patience);
        Stop(agent);
        var recordsBefore = Records().Count;

        // Reading 5 changed nothing; the revived agent still knows it (from its snapshot and journal).
        var revived = StartAgent(settings);
        Decide(revived, Hot(5, 31.0)).Outcome.ShouldBe(DecisionOutcome.Duplicate);
        Records().Count.ShouldBe(recordsBefore);

        // cooling-off fires only if the agent remembered, across the restart, that cooling was on.
        var reply = Decide(revived, Hot(6, 20.0));
        reply.Outcome.ShouldBe(DecisionOutcome.Accepted);
        reply.Publish.ShouldHaveSingleItem().Action.ShouldBe("cooling-off");
        ChainVerifier.Verify(Records(), nodeId: "edge-1").Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task Redelivery_AfterSnapshotTakenButRecordsLost_ResubmitsRecordsOnce()
    {
        var settings = Settings(snapshotEvery: 1);
        var agent = StartAgent(settings);
        Decide(agent, Hot(1, 35.0));
        AwaitCondition(() => SnapshotCount() > 0, Patience);
        Stop(agent);
        // Simulate a node that died after its snapshot reflected the reading but before the journal had its records.
        await Journal.DisposeAsync();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Journal.Path};Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM audit WHERE device = 'dev-1'";
            cmd.ExecuteNonQuery();
        }
        await using var journal = new AuditJournal(Journal.Path, "edge-1", "site-a", new HybridLogicalClock("edge-1"), new JournalOptions(), NullLogger<AuditJournal>.Instance);
        var revived = StartAgent(settings, journal);

        revived.Tell(Observe(Hot(1, 35.0)), TestActor);
        var first = ExpectMsg<DeviceReplies.Recorded>(Patience);
        revived.Tell(Observe(Hot(1, 35.0)), TestActor);
        var second = ExpectMsg<DeviceReplies.Recorded>(Patience);

        first.Outcome.ShouldBe(DecisionOutcome.Duplicate);
        first.Publish.ShouldHaveSingleItem().Action.ShouldBe("cooling-on");
        second.Publish.ShouldBeEmpty();
        DeviceRecords().Select(r => r.Kind).ShouldBe([AuditKind.Observation, AuditKind.Decision, AuditKind.Action]);
        Stop(revived);
    }
}
