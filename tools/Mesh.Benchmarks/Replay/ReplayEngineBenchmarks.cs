using BenchmarkDotNet.Attributes;
using Mesh.Benchmarks.Policy;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Node.Replay;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;
using Mesh.Protocol.Time;

namespace Mesh.Benchmarks.Replay;

/// <summary>
/// The replay engine alone: <see cref="Readings"/> recorded readings (100 devices, 200 ms apart per device)
/// decided again and compared with what was recorded, records already decoded. Per operation = the whole run.
/// </summary>
[MemoryDiagnoser]
public class ReplayEngineBenchmarks
{
    public const int Readings = 20_000;
    private List<AuditRecord> _records = [];

    [Params("builtin", "bench-50-rules")]
    public string Policy { get; set; } = "builtin";

    [GlobalSetup]
    public void Setup()
    {
        var policy = Policy == "builtin"
            ? BuiltInPolicy.For("site-a", [ThresholdRule.DefaultCooling])
            : PolicyLoader.LoadFile(PolicyEvaluationBenchmarks.RepoFile($"policies/{Policy}.yaml")).Policy!;
        var active = new ActivePolicy(policy, Policy == "builtin" ? PolicySource.BuiltIn : new PolicySource("file", Policy));
        var clock = new HybridLogicalClock("bench-node");
        long seq = 0;
        AuditRecord Seal(AuditDraft d) => new()
        {
            Sequence = ++seq, Kind = d.Kind, Hlc = clock.Now(), NodeId = "bench-node", Site = "site-a", Device = d.Device,
            MessageKey = d.MessageKey, InputDigest = d.InputDigest, Route = d.Route, PolicyVersion = d.PolicyVersion, Rule = d.Rule,
            Decision = d.Decision, Outcome = d.Outcome, Body = d.Body, PreviousHash = AuditRecordCodec.GenesisHash,
        };
        _records = [Seal(PolicyDrafts.Activated(active))];
        var states = new DeviceState[100];
        Array.Fill(states, DeviceState.Empty);
        var start = DateTimeOffset.Parse("2026-11-23T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < Readings; i++)
        {
            var d = i % states.Length;
            var n = i / states.Length + 1;
            var device = $"dev-{d + 1:D4}";
            var o = new Observation(new SiteId("site-a"), new DeviceId(device), n, start.AddMilliseconds(200L * n),
                [new Metric("humidity", Math.Round(45 + 14 * Math.Sin(n / (19.0 + d % 11)), 2)), new Metric("temperature", Math.Round(26 + 6 * Math.Sin(n / (8.0 + d % 17)), 2))]);
            var evt = DecisionCore.Decide(states[d], o, active.For(device), InferenceResults.None, "00000000000000000000000000000000").Event!;
            states[d] = states[d].Apply(evt, 1);
            foreach (var draft in AuditDrafts.ForReading(device, evt, "generic-x64-cpu"))
                _records.Add(Seal(draft));
        }
    }

    [Benchmark(Description = "replay 20,000 readings")]
    public int Replay()
    {
        var engine = new ReplayEngine();
        foreach (var r in _records)
            engine.Feed(r);
        var report = engine.Finish();
        return report.Divergences.Count == 0 ? (int)report.Readings : throw new InvalidOperationException("replay diverged");
    }
}
