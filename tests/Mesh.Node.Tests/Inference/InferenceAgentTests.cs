using Akka.Actor;
using Mesh.Inference.Anomaly;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Inference;
using Mesh.Node.Replay;
using Mesh.Node.Routing;
using Mesh.Node.Tests.Support;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Mesh.Node.Tests.Inference;

/// <summary>A device agent whose rule reads the anomaly model, running on this node's ONNX Runtime session (the
/// shipped model and profile): the model's result decides, is recorded with its route, and recovery and replay
/// decide again from the record without the model.</summary>
public sealed class InferenceAgentTests : AgentTestKit, IAsyncLifetime
{
    private const string Policy = """
        site: site-a
        version: 2
        groups:
          - { id: rooms, devices: ["dev-*"], skills: [anomaly] }
        rules:
          - id: odd-reading
            groups: [rooms]
            when: { model: anomaly, output: score, ge: 0.5 }
            clear: { model: anomaly, output: score, lt: 0.2 }
            action: inspect
            clear_action: inspect-done
        """;

    private LocalInference _local = null!;

    public InferenceAgentTests(ITestOutputHelper output) : base(output)
    {
    }

    public async Task InitializeAsync()
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "generic-x64-cpu.yaml")).Profile.ShouldNotBeNull();
        _local = LocalInference.Open(profile, Path.Combine(AppContext.BaseDirectory, "models"), new InferenceOptions(), Logs.For<LocalInference>());
        _local.Refused.ShouldBeEmpty();
        await ActivateAsync(Policy);
    }

    [Fact]
    public void Agent_FaultyReading_ModelDecidesAndTheRouteIsRecorded()
    {
        var agent = StartAgent(Settings() with { Inference = Coordinator(new InferenceOptions()) });
        var (normal, faulty) = Samples();

        Decide(agent, Reading(1, normal)).Publish.ShouldBeEmpty();
        var fired = Decide(agent, Reading(2, faulty)).Publish.ShouldHaveSingleItem();

        fired.Rule.ShouldBe("odd-reading");
        fired.Action.ShouldBe("inspect");
        var observation = DeviceRecords().Last(r => r.Kind == AuditKind.Observation);
        observation.Route.Target.ShouldBe("local:edge-1/CPU");
        observation.Route.Model.ShouldBe("anomaly");
        observation.Route.ModelVersion.ShouldBe("1.0.0");
        observation.Route.Profile.ShouldBe("generic-x64-cpu");
        observation.Route.Reasons.ShouldContain(r => r.StartsWith("won local:edge-1/CPU", StringComparison.Ordinal));
        ObservationRecord.Read(observation, out _, out var inference);
        inference.Output("anomaly", "score").ShouldBeGreaterThanOrEqualTo(0.5);
        DeviceRecords().Single(r => r.Kind == AuditKind.Decision).Route.ShouldBe(observation.Route);
    }

    [Fact]
    public void Agent_NoTargetMeetsTheDeadline_BandSkillDecidesDegraded()
    {
        // One microsecond: even this node's CPU (prior p99 0.3 ms) cannot meet it.
        var agent = StartAgent(Settings() with { Inference = Coordinator(new InferenceOptions { Deadline = TimeSpan.FromTicks(10) }) });
        var (_, faulty) = Samples(FaultKind.StuckAtZero);

        var fired = Decide(agent, Reading(1, faulty)).Publish.ShouldHaveSingleItem();

        fired.Rule.ShouldBe("odd-reading");
        var observation = DeviceRecords().Single(r => r.Kind == AuditKind.Observation);
        observation.Route.Target.ShouldBe("deterministic:edge-1");
        observation.Route.Reasons.ShouldContain(r => r.Contains("local:edge-1/CPU", StringComparison.Ordinal) && r.Contains("deadline", StringComparison.Ordinal));
        observation.Route.Reasons.Last().ShouldMatch(@"^skill bands: [a-z]+ 0 outside \[");
        ObservationRecord.Read(observation, out _, out var inference);
        inference.Runs.Single().Degraded.ShouldBeTrue();
        inference.Confidence("anomaly").ShouldBe(0.6);
    }

    [Fact]
    public void Agent_RestartedAfterAModelDecision_RecoversFromTheRecordAndReplayAgrees()
    {
        var settings = Settings() with { Inference = Coordinator(new InferenceOptions()) };
        var agent = StartAgent(settings);
        var (normal, faulty) = Samples();
        Decide(agent, Reading(1, normal));
        Decide(agent, Reading(2, faulty)).Publish.ShouldHaveSingleItem();
        Stop(agent);

        // Recovery decides again from the journal: the rule is on, so a normal reading clears it, and the
        // redelivered faulty reading is recognised as seen.
        var again = StartAgent(settings);
        Decide(again, Reading(2, faulty)).Outcome.ShouldBe(DecisionOutcome.Duplicate);
        var cleared = Decide(again, Reading(3, normal)).Publish.ShouldHaveSingleItem();
        cleared.Action.ShouldBe("inspect-done");

        var replay = new ReplayEngine();
        foreach (var r in Records())
            replay.Feed(r);
        var report = replay.Finish();
        report.Divergences.ShouldBeEmpty();
        report.Problems.ShouldBeEmpty();
        report.Readings.ShouldBe(3);
        report.Decisions.ShouldBe(2);
    }

    [Fact]
    public void Agent_MetricBeyondFloatRange_ModelSkippedWithTheReasonAndTheReadingRecorded()
    {
        var agent = StartAgent(Settings() with { Inference = Coordinator(new InferenceOptions()) });
        var (normal, _) = Samples();
        var huge = new Observation(new SiteId(Site), new DeviceId(Device), 1, normal.Timestamp,
        [
            new Metric(AnomalyFeatures.Humidity, normal.Humidity), new Metric(AnomalyFeatures.Power, 1e39),
            new Metric(AnomalyFeatures.Temperature, normal.Temperature), new Metric(AnomalyFeatures.Vibration, normal.Vibration),
        ]);

        Decide(agent, huge).Outcome.ShouldBe(DecisionOutcome.Accepted);

        var observation = DeviceRecords().Single(r => r.Kind == AuditKind.Observation);
        observation.Route.Reasons.ShouldBe(["the reading's power is beyond the model's float range"]);
        ObservationRecord.Read(observation, out _, out var inference);
        inference.Runs.Single().Score.ShouldBeNull();
    }

    private InferenceCoordinator Coordinator(InferenceOptions inference)
    {
        var options = new NodeOptions { NodeId = "edge-1", Site = Site, Inference = inference };
        var peers = new PeerDirectory(Options.Create(options), Clock, Logs.For<PeerDirectory>());
        return new InferenceCoordinator(_local, peers, new LiveStats(Clock), new BudgetLedger(Clock), options, Logs.For<InferenceCoordinator>());
    }

    /// <summary>A normal reading and a faulty one of the generator, the faulty one clearly flagged by the model.</summary>
    private (SensorSample Normal, SensorSample Faulty) Samples(FaultKind kind = FaultKind.StuckAtZero)
    {
        var samples = SensorDataGenerator.Device(new SensorDataOptions { Seed = 11, Devices = 1, Days = 3, FaultRate = 0.05 }, 0).ToList();
        var model = _local.Find("anomaly")!.Runner!;
        float Score(SensorSample s)
        {
            AnomalyFeatures.Write(s, model.Row(0));
            model.Run(1);
            return model.Score(0);
        }
        return (samples.First(s => s.Fault == FaultKind.None && Score(s) < 0.05), samples.First(s => s.Fault == kind && Score(s) > 0.95));
    }

    private static Observation Reading(long seq, SensorSample s) =>
        new(new SiteId(Site), new DeviceId(Device), seq, s.Timestamp,
        [
            new Metric(AnomalyFeatures.Humidity, s.Humidity), new Metric(AnomalyFeatures.Power, s.Power),
            new Metric(AnomalyFeatures.Temperature, s.Temperature), new Metric(AnomalyFeatures.Vibration, s.Vibration),
        ]);

    public async Task DisposeAsync() => await _local.DisposeAsync();
}
