using Mesh.Node.Audit;
using Mesh.Node.Policy;
using Mesh.Node.Replay;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Tests.Replay;

/// <summary>Replaying a real journal: the recorded decisions come out again, and a change shows exactly where it matters.</summary>
public sealed class ReplayEngineTests : IAsyncLifetime
{
    private readonly JournalFixture _fx = new();

    private static string Policy(double limit, long version = 1) => TestPolicies.WithRules($"""
          - id: overheat
            when: {"{"} metric: temperature, gt: {limit} {"}"}
            action: cooling-on
            clear_action: cooling-off
          - id: humid
            when: {"{"} count: {"{"} metric: humidity, gt: 80 {"}"}, within: 1m, at_least: 2 {"}"}
            action: fan-on
            gate: deny
          - id: vent
            when: {"{"} metric: smoke, eq: 1 {"}"}
            action: vent-open
            gate: require_approval
            approval: {"{"} role: operator, timeout: 5m, on_timeout: deny, offline: defer {"}"}
        """, "rate_limits:\n  - { action: cooling-on, max: 2, per: 1h }\n", version);

    // dev-1 reads 31, 20, 31, 20, 31, 33 (readings 0, 1, 3, 4, 6, 7): on, off, on, off, on (over the rate limit), nothing.
    // dev-2 reads 29, 35, 31 (readings 2, 5, 8): nothing, on, nothing.
    private static readonly double[] Temperatures = [31, 20, 29, 31, 20, 35, 31, 33, 31];

    /// <summary>Decides the readings with the pure core under <paramref name="policy"/> and journals them as a node does.
    /// Returns the journal sequence of each reading's Observation record.</summary>
    private async Task<List<long>> RecordAsync(ActivePolicy policy)
    {
        await _fx.Journal.AppendAsync([PolicyDrafts.Activated(policy)]);
        var runs = new Dictionary<string, DeviceRun>();
        var observations = new List<long>();
        for (var i = 0; i < Temperatures.Length; i++)
        {
            var device = i % 3 == 2 ? "dev-2" : "dev-1";
            if (!runs.TryGetValue(device, out var run))
                runs[device] = run = new DeviceRun(policy.For(device), device);
            var evt = run.Feed(i * 10, ("humidity", 70 + i * 3), ("smoke", i == 4 ? 1 : 0), ("temperature", Temperatures[i]));
            var result = await _fx.Journal.AppendAsync(AuditDrafts.ForReading(device, evt, "generic-x64-cpu"));
            observations.Add(result.Head - result.Appended + 1);
        }
        return observations;
    }

    private ReplayReport Replay(ActivePolicy? overridePolicy = null, Func<AuditRecord, AuditRecord>? tamper = null)
    {
        var engine = new ReplayEngine(overridePolicy);
        using var c = AuditJournalStore.OpenReader(_fx.JournalPath);
        foreach (var stored in AuditJournalStore.ReadAfter(c, 0, 100_000))
        {
            var record = AuditRecordCodec.Decode(stored.Canonical) with { Hash = stored.Hash };
            engine.Feed(tamper is null ? record : tamper(record));
        }
        return engine.Finish();
    }

    [Fact]
    public async Task Replay_JournalAsRecorded_NoDivergence()
    {
        await RecordAsync(TestPolicies.Active(Policy(30)));

        var report = Replay();

        report.Problems.ShouldBeEmpty();
        report.Divergences.ShouldBeEmpty();
        report.Clean.ShouldBeTrue();
        report.Readings.ShouldBe(Temperatures.Length);
        report.PoliciesSeen.ShouldBe(1);
        var gates = _fx.Records().Where(r => r.Kind == AuditKind.Decision).Select(r => r.Outcome).Distinct().ToList();
        gates.ShouldBe(["allowed", "denied", "approval-requested", "rate-limited", "no-action"], ignoreOrder: true);
        report.Decisions.ShouldBe(_fx.Records().Count(r => r.Kind == AuditKind.Decision));
    }

    [Fact]
    public async Task Replay_CheckpointsBetweenAReadingAndItsDecisions_ChangeNothing()
    {
        await RecordAsync(TestPolicies.Active(Policy(30)));
        var plain = Replay();
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        // The worst place a checkpoint could fall: right after each Observation, before the Decisions that follow it.
        var engine = new ReplayEngine();
        foreach (var record in _fx.Records())
        {
            engine.Feed(record);
            if (record.Kind == AuditKind.Observation)
                engine.Feed(AuditCheckpoint.CreateRecord(record.NodeId, record.Site, record.Hlc, new ChainHead(record.Sequence, record.Hash),
                    key.ExportSubjectPublicKeyInfo(), data => key.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256), 1000).Seal());
        }
        var report = engine.Finish();

        report.Clean.ShouldBeTrue(string.Join("; ", report.Problems));
        report.Readings.ShouldBe(plain.Readings);
        report.Decisions.ShouldBe(plain.Decisions);
        report.Divergences.ShouldBeEmpty();
        report.Records.ShouldBe(plain.Records + Temperatures.Length);
    }

    [Fact]
    public async Task Replay_OverrideWithLowerThreshold_ExactlyTheAffectedReadingsDiverge()
    {
        var observations = await RecordAsync(TestPolicies.Active(Policy(30)));

        var report = Replay(TestPolicies.Active(Policy(28.5, version: 2)));

        // Above 28.5 dev-1 switches exactly as above 30; dev-2 switches on at 29 already, so not again at 35.
        report.Problems.ShouldBeEmpty();
        report.Divergences.Select(d => (d.Device, d.ReadingSeq)).ShouldBe([("dev-2", 1L), ("dev-2", 2L)]);
        report.Divergences.Select(d => d.Sequence).ShouldBe([observations[2], observations[5]]);
        (report.Divergences[0].Expected, report.Divergences[0].Got).ShouldBe(("nothing", "overheat:cooling-on:allowed"));
        (report.Divergences[1].Expected, report.Divergences[1].Got).ShouldBe(("overheat:cooling-on:allowed", "nothing"));
    }

    [Fact]
    public async Task Replay_OverrideWithHigherThreshold_ExactlyTheAffectedReadingsDiverge()
    {
        var observations = await RecordAsync(TestPolicies.Active(Policy(30)));

        var report = Replay(TestPolicies.Active(Policy(32, version: 2)));

        // Above 32 dev-1 stays off until 33, and dev-2 switches off at 31; readings at 29 and 35 decide as before.
        report.Problems.ShouldBeEmpty();
        report.Divergences.Select(d => (d.Device, d.ReadingSeq)).ShouldBe(
            [("dev-1", 1L), ("dev-1", 2L), ("dev-1", 3L), ("dev-1", 4L), ("dev-1", 5L), ("dev-1", 6L), ("dev-2", 3L)]);
        report.Divergences.Select(d => d.Sequence).ShouldBe(new[] { 0, 1, 3, 4, 6, 7, 8 }.Select(i => observations[i]));
        report.Divergences[4].Expected.ShouldBe("humid:fan-on:denied, overheat:cooling-on:rate-limited, vent:-:no-action");
        report.Divergences[4].Got.ShouldBe("humid:fan-on:denied, vent:-:no-action");
        report.Divergences[6].Got.ShouldBe("humid:fan-on:denied, overheat:cooling-off:allowed");
    }

    [Fact]
    public async Task Replay_TamperedDecisionOutcome_ExactlyOneDivergenceAtThatReading()
    {
        var observations = await RecordAsync(TestPolicies.Active(Policy(30)));
        var target = _fx.Records().First(r => r.Kind == AuditKind.Decision && r.Outcome == "allowed" && r.MessageKey == "dev-1#1/overheat");

        var report = Replay(tamper: r => r.Sequence == target.Sequence ? r with { Outcome = "denied" } : r);

        var divergence = report.Divergences.ShouldHaveSingleItem();
        divergence.Sequence.ShouldBe(observations[0]);
        (divergence.Device, divergence.ReadingSeq).ShouldBe(("dev-1", 1L));
        divergence.Expected.ShouldBe("overheat:cooling-on:denied");
        divergence.Got.ShouldBe("overheat:cooling-on:allowed");
    }

    [Fact]
    public async Task Replay_PolicyChangedMidJournal_EachReadingDecidedUnderItsOwnPolicy()
    {
        var v1 = TestPolicies.Active(Policy(30));
        await _fx.Journal.AppendAsync([PolicyDrafts.Activated(v1)]);
        var run = new DeviceRun(v1.For("dev-1"));
        await _fx.Journal.AppendAsync(AuditDrafts.ForReading("dev-1", run.Feed(0, ("temperature", 31)), "p"));
        var v2 = new ActivePolicy(TestPolicies.Parse(Policy(40, version: 2)), new PolicySource("hub", "2", 2));
        await _fx.Journal.AppendAsync([PolicyDrafts.Activated(v2)]);
        run.Policy = v2.For("dev-1");
        await _fx.Journal.AppendAsync(AuditDrafts.ForReading("dev-1", run.Feed(1, ("temperature", 35)), "p"));
        await _fx.Journal.AppendAsync(AuditDrafts.ForReading("dev-1", run.Feed(2, ("temperature", 20)), "p"));

        var report = Replay();

        report.Clean.ShouldBeTrue(string.Join("; ", report.Problems.Concat(report.Divergences.Select(d => d.ToString()))));
        report.PoliciesSeen.ShouldBe(2);
        _fx.Records().Where(r => r.Kind == AuditKind.Decision).Select(r => (r.PolicyVersion[..2], r.Decision))
            .ShouldBe([("v1", "cooling-on"), ("v2", "cooling-off")]);
    }

    [Fact]
    public async Task Replay_ObservationUnderUnknownPolicy_ReportedAsProblem()
    {
        var run = new DeviceRun(TestPolicies.For(Policy(30)));
        await _fx.Journal.AppendAsync(AuditDrafts.ForReading("dev-1", run.Feed(0, ("temperature", 31)), "p"));

        var report = Replay();

        report.Clean.ShouldBeFalse();
        report.Problems.ShouldHaveSingleItem().ShouldContain("was never activated");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _fx.Logs.ShouldHaveNoErrors();
        await _fx.DisposeAsync();
    }

    [Fact]
    public async Task Replay_GroupByDeviceAttributes_UsesTheAttributesRecordedWithEachReading()
    {
        var yaml = """
            site: site-a
            version: 1
            groups:
              - id: fridges
                attributes: { kind: fridge }
            rules:
              - id: warm-fridge
                groups: [fridges]
                when: { metric: temperature, gt: 8 }
                action: alarm
            """;
        var attributes = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["fridge-1"] = new Dictionary<string, string> { ["kind"] = "fridge" },
        };
        var policy = TestPolicies.Active(yaml, attributes);
        await _fx.Journal.AppendAsync([PolicyDrafts.Activated(policy)]);
        foreach (var device in new[] { "fridge-1", "room-1" })
        {
            var evt = new DeviceRun(policy.For(device), device).Feed(0, ("temperature", 12));
            await _fx.Journal.AppendAsync(AuditDrafts.ForReading(device, evt, "p", policy.AttributesOf(device)));
        }

        var report = Replay();

        report.Decisions.ShouldBe(1, "only the fridge is in the group, by its configured attribute");
        report.Divergences.ShouldBeEmpty();
        report.Problems.ShouldBeEmpty();
    }
}
