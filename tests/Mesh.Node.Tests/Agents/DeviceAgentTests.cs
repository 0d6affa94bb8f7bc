using Akka.Actor;
using Akka.Configuration;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Hosting;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Node.Tests.Agents;

public sealed class DeviceAgentTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TempDirectory _dir;
    private readonly AuditJournal _journal;
    private readonly AgentSettings _settings = new(new RuleSet([ThresholdRule.DefaultCooling]), "generic-x64-cpu", 8, 3);

    public DeviceAgentTests(Xunit.Abstractions.ITestOutputHelper output) : this(new TempDirectory(), output) { }

    private DeviceAgentTests(TempDirectory dir, Xunit.Abstractions.ITestOutputHelper output)
        : base(NodePersistence.Config(dir.Path), output: output)
    {
        _dir = dir;
        _journal = new AuditJournal(Path.Combine(dir.Path, AuditJournalStore.FileName), "edge-1", "site-a",
            new HybridLogicalClock("edge-1"), new JournalOptions(), NullLogger<AuditJournal>.Instance);
    }

    private IActorRef Agent() => Sys.ActorOf(DeviceAgent.Props("site-a", "dev-1", _settings, _journal));

    private static DeviceCommands.Observe Observe(long seq, double temperature) =>
        new(new Observation(new SiteId("site-a"), new DeviceId("dev-1"), seq, DateTimeOffset.UnixEpoch.AddSeconds(seq),
            [new Metric("temperature", temperature)]), Convert.ToHexStringLower(new byte[32]));

    private void Stop(IActorRef agent)
    {
        Watch(agent);
        agent.Tell(PoisonPill.Instance);
        ExpectTerminated(agent);
    }

    private List<AuditRecord> Journal()
    {
        using var c = AuditJournalStore.OpenReader(_journal.Path);
        return AuditJournalStore.ReadAfter(c, 0, 10_000).Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash }).ToList();
    }

    [Fact]
    public void Observe_HotReading_DecidesCoolingOnAndRecordsObservationDecisionAction()
    {
        var agent = Agent();

        agent.Tell(Observe(1, 35.0), TestActor);

        var reply = ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));
        reply.Outcome.ShouldBe(DecisionOutcome.Accepted);
        reply.Publish.ShouldHaveSingleItem().Action.ShouldBe("cooling-on");
        var records = Journal();
        records.Select(r => r.Kind).ShouldBe([AuditKind.Observation, AuditKind.Decision, AuditKind.Action]);
        records.ShouldAllBe(r => r.MessageKey == "dev-1#1" && r.Device == "dev-1" && r.Site == "site-a");
        records[1].Rule.ShouldBe("overheat");
        records[1].Route.Target.ShouldBe("deterministic");
        records[1].PolicyVersion.ShouldStartWith("rules/");
    }

    [Fact]
    public void Observe_RedeliveredReading_IsNotDecidedOrRecordedTwice()
    {
        var agent = Agent();
        agent.Tell(Observe(1, 35.0), TestActor);
        ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));

        agent.Tell(Observe(1, 35.0), TestActor);

        var reply = ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));
        reply.Outcome.ShouldBe(DecisionOutcome.Duplicate);
        reply.Publish.ShouldBeEmpty();
        Journal().Count.ShouldBe(3);
    }

    [Fact]
    public void Restart_AgentRecoversStateFromItsJournal()
    {
        var agent = Agent();
        for (var seq = 1; seq <= 5; seq++)
        {
            agent.Tell(Observe(seq, seq == 1 ? 35.0 : 31.0), TestActor);
            ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));
        }
        Stop(agent);

        var recordsBefore = Journal().Count;

        // Reading 5 fired nothing, so it was never persisted as an event: the journal recognises it.
        var revived = Agent();
        revived.Tell(Observe(5, 31.0), TestActor);
        ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20)).Outcome.ShouldBe(DecisionOutcome.Duplicate);
        Journal().Count.ShouldBe(recordsBefore);
        revived.Tell(Observe(6, 20.0), TestActor);

        // cooling-off fires only if the agent remembered, across the restart, that cooling was on.
        var reply = ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));
        reply.Outcome.ShouldBe(DecisionOutcome.Accepted);
        reply.Publish.ShouldHaveSingleItem().Action.ShouldBe("cooling-off");
        ChainVerifier.Verify(Journal(), nodeId: "edge-1").Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task Redelivery_AfterEventPersistedButRecordsLost_ResubmitsRecordsOnce()
    {
        var agent = Agent();
        agent.Tell(Observe(1, 35.0), TestActor);
        ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));
        Stop(agent);
        // Simulate a node that died after persisting the device event but before the journal commit.
        await _journal.DisposeAsync();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_journal.Path};Pooling=false"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM audit";
            cmd.ExecuteNonQuery();
        }
        await using var journal = new AuditJournal(_journal.Path, "edge-1", "site-a", new HybridLogicalClock("edge-1"), new JournalOptions(), NullLogger<AuditJournal>.Instance);
        var revived = Sys.ActorOf(DeviceAgent.Props("site-a", "dev-1", _settings, journal));

        revived.Tell(Observe(1, 35.0), TestActor);
        var first = ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));
        revived.Tell(Observe(1, 35.0), TestActor);
        var second = ExpectMsg<DeviceReplies.Recorded>(TimeSpan.FromSeconds(20));

        first.Outcome.ShouldBe(DecisionOutcome.Duplicate);
        first.Publish.ShouldHaveSingleItem().Action.ShouldBe("cooling-on");
        second.Publish.ShouldBeEmpty();
        Journal().Select(r => r.Kind).ShouldBe([AuditKind.Observation, AuditKind.Decision, AuditKind.Action]);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }
}
