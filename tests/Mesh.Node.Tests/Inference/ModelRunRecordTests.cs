using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Replay;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Tests.Inference;

/// <summary>Model results travel in the Observation record, so replay and recovery decide from what was recorded.</summary>
public sealed class ModelRunRecordTests
{
    private const string Policy = TestPolicies.AnomalyRule;

    private static readonly ModelRun Cloud = new("anomaly", "1.0.0", "score", 0.875, 0.875, false,
        new AuditRoute("cloud:gpu-1/CUDA", "cloud-a10g", "anomaly", "1.0.0", 2345, 500,
            ["won cloud:gpu-1/CUDA: predicted 3.1 ms, 0.000500 USD", "lost local:edge-1/CPU: predicted 61 ms > deadline 50 ms"]));

    [Fact]
    public void ObservationRecord_WithModelRun_ReadsBackTheSameRunAndRoute()
    {
        var run = new DeviceRun(TestPolicies.For(Policy));
        var evt = run.Feed(DeviceRun.Reading("dev-1", 1, 0, ("temperature", 21)), InferenceResults.From([Cloud]));
        var drafts = AuditDrafts.ForReading("dev-1", evt, "generic-x64-cpu");

        var observation = Record(drafts[0]);
        ObservationRecord.Read(observation, out _, out var inference);

        observation.Route.ShouldBe(Cloud.Route);
        inference.Runs.ShouldBe([Cloud]);
        inference.Output("anomaly", "score").ShouldBe(0.875);
        inference.Confidence("anomaly").ShouldBe(0.875);
    }

    [Fact]
    public void Decision_ReadingAModel_CarriesTheModelsRoute()
    {
        var run = new DeviceRun(TestPolicies.For(Policy));
        var evt = run.Feed(DeviceRun.Reading("dev-1", 1, 0, ("temperature", 21)), InferenceResults.From([Cloud]));

        var drafts = AuditDrafts.ForReading("dev-1", evt, "generic-x64-cpu");

        var decision = drafts.Single(d => d.Kind == AuditKind.Decision);
        decision.Rule.ShouldBe("odd");
        decision.Route.ShouldBe(Cloud.Route);
    }

    [Fact]
    public void ModelRun_NoScore_PolicySeesUnknownAndRecordKeepsTheReason()
    {
        var unknown = new ModelRun("anomaly", "1.0.0", "score", null, double.NaN, true,
            new AuditRoute("deterministic:edge-1", "generic-x64-cpu", "anomaly", "1.0.0", 0, 0, ["the reading has no metric 'power', which anomaly needs"]));
        var run = new DeviceRun(TestPolicies.For(Policy));

        var evt = run.Feed(DeviceRun.Reading("dev-1", 1, 0, ("temperature", 21)), InferenceResults.From([unknown]));
        var record = Record(AuditDrafts.ForReading("dev-1", evt, "generic-x64-cpu")[0]);
        ObservationRecord.Read(record, out _, out var inference);

        evt.Fired.ShouldBeEmpty();
        double.IsNaN(inference.Output("anomaly", "score")).ShouldBeTrue();
        inference.Runs.Single().Route.Reasons.ShouldBe(["the reading has no metric 'power', which anomaly needs"]);
    }

    [Fact]
    public void DevicePolicy_RulesReadingModels_ListsThemOnce()
    {
        var policy = TestPolicies.For("""
            site: site-a
            version: 1
            groups:
              - { id: rooms, skills: [anomaly, vision] }
            rules:
              - id: a
                groups: [rooms]
                when: { all: [ { model: anomaly, output: score, ge: 0.5 }, { confidence: anomaly, ge: 0.8 } ] }
                action: x
              - id: b
                groups: [rooms]
                when: { any: [ { model: vision, output: person, ge: 0.5 }, { metric: temperature, gt: 30 } ] }
                action: y
            """);

        policy.Models.ShouldBe(["anomaly", "vision"]);
    }

    private static AuditRecord Record(AuditDraft d) => new()
    {
        Sequence = 1, Kind = d.Kind, Hlc = default, NodeId = "edge-1", PreviousHash = new byte[32], Site = "site-a", Device = d.Device, MessageKey = d.MessageKey, InputDigest = d.InputDigest,
        Route = d.Route, PolicyVersion = d.PolicyVersion, Rule = d.Rule, Decision = d.Decision, Outcome = d.Outcome, Body = d.Body,
    };
}
