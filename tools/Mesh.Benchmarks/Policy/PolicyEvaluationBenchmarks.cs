using BenchmarkDotNet.Attributes;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol;
using Mesh.Protocol.Policy;

namespace Mesh.Benchmarks.Policy;

/// <summary>
/// One reading through the decision core and the policy gate: <c>policies/bench-50-rules.yaml</c> (50 rules:
/// comparisons, all/any/not, count windows, a rate limit) against the built-in single threshold rule.
/// The device state is warmed with a few hundred readings first, so windows and active rules are populated.
/// </summary>
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks
{
    private const int Readings = 256;
    private readonly Observation[] _observations = new Observation[Readings];
    private DevicePolicy _fifty = null!;
    private DevicePolicy _one = null!;
    private DeviceState _state50 = DeviceState.Empty;
    private DeviceState _state1 = DeviceState.Empty;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var parsed = PolicyLoader.LoadFile(RepoFile("policies/bench-50-rules.yaml"));
        var policy = parsed.Policy ?? throw new InvalidOperationException(string.Join("\n", parsed.Errors));
        _fifty = new ActivePolicy(policy, new PolicySource("file", "bench")).For("dev-0001");
        _one = new ActivePolicy(BuiltInPolicy.For("site-a", [ThresholdRule.DefaultCooling]), PolicySource.BuiltIn).For("dev-0001");
        var start = DateTimeOffset.Parse("2026-11-23T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < Readings; i++)
        {
            var t = 27 + 5 * Math.Sin(i / 9.0);
            var h = 45 + 14 * Math.Sin(i / 23.0);
            _observations[i] = new Observation(new SiteId("site-a"), new DeviceId("dev-0001"), 1_000_000 + i, start.AddMilliseconds(200 * i),
                [new Metric("humidity", h), new Metric("temperature", t)]);
        }
        // Warm the state: windows and active rules as a live device would have them.
        for (long seq = 1; seq <= 400; seq++)
        {
            var o = _observations[(int)(seq % Readings)] with { Seq = seq, Timestamp = start.AddMilliseconds(200 * (seq - 400)) };
            _state50 = _state50.Apply(DecisionCore.Decide(_state50, o, _fifty, InferenceResults.None, "00").Event!, 64);
            _state1 = _state1.Apply(DecisionCore.Decide(_state1, o, _one, InferenceResults.None, "00").Event!, 64);
        }
    }

    [Benchmark(Description = "decide: 50-rule policy")]
    public Decision FiftyRules() => DecisionCore.Decide(_state50, _observations[_next++ & (Readings - 1)], _fifty, InferenceResults.None, "00");

    [Benchmark(Baseline = true, Description = "decide: built-in 1-rule policy")]
    public Decision OneRule() => DecisionCore.Decide(_state1, _observations[_next++ & (Readings - 1)], _one, InferenceResults.None, "00");

    internal static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")) && File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"cannot find {relative} above {AppContext.BaseDirectory}; run from the repository");
    }
}
