using BenchmarkDotNet.Attributes;
using Mesh.Node.Routing;

namespace Mesh.Benchmarks.Routing;

/// <summary>
/// One routing decision over 10 candidates — 3 local providers, 3 site peers (one in another site), 4 cloud GPUs — under
/// a policy with every limit set, against live statistics warmed with measurements, a queue and one open breaker.
/// The decision formats no text; <see cref="ChooseAndReasons"/> adds the audit lines for comparison.
/// </summary>
[MemoryDiagnoser]
public class RouterBenchmarks
{
    private readonly RouteTask _task = new("anomaly", TimeSpan.FromMilliseconds(40));
    private readonly RouteLimits _limits = new()
    {
        MaxLatency = TimeSpan.FromMilliseconds(50),
        MaxCostPerDecision = 0.001,
        DailyBudget = 25,
        Currency = "USD",
        RawReadingsLeaveSite = true,
    };
    private RouteCandidate[] _candidates = [];
    private LiveStats _live = null!;

    [GlobalSetup]
    public void Setup()
    {
        _candidates =
        [
            Local("local/CUDA", "CUDA", 6, 1),
            Local("local/TensorRT", "TensorRT", 4, 1),
            Local("local/CPU", "CPU", 35, 8),
            Remote("peer/node-2/CUDA", TargetKind.SitePeer, false, 5, 2, 0),
            Remote("peer/node-3/CUDA", TargetKind.SitePeer, false, 7, 3, 0),
            Remote("peer/site-b/node-9/CUDA", TargetKind.SitePeer, true, 5, 12, 0.00002),
            Remote("cloud/gpu-1", TargetKind.Cloud, true, 2, 25, 0.0002),
            Remote("cloud/gpu-2", TargetKind.Cloud, true, 2, 28, 0.00015),
            Remote("cloud/gpu-3", TargetKind.Cloud, true, 1, 30, 0.002),
            Remote("cloud/gpu-4", TargetKind.Cloud, true, 3, 45, 0.0001),
        ];
        _live = new LiveStats(TimeProvider.System);
        for (var i = 0; i < _candidates.Length; i++)
        {
            var id = _candidates[i].Target.Id;
            for (var n = 0; n < 20; n++)
            {
                _live.Started(id);
                _live.Succeeded(id, TimeSpan.FromMilliseconds(_candidates[i].PriorP50Ms * (1 + (n % 5) / 10.0)));
            }
        }
        _live.Started("local/CUDA");
        _live.Started("local/CUDA");
        for (var n = 0; n < 5; n++)
        {
            _live.Started("peer/node-3/CUDA");
            _live.Failed("peer/node-3/CUDA", TargetFailure.Timeout);
        }
    }

    [Benchmark(Baseline = true, Description = "route: choose among 10 candidates")]
    public RouteDecision Choose() => Router.Choose(_task, _candidates, _limits, _live, 3.5);

    [Benchmark(Description = "route: choose + audit reasons")]
    public IReadOnlyList<string> ChooseAndReasons() => Router.Choose(_task, _candidates, _limits, _live, 3.5).Reasons();

    private static RouteCandidate Local(string id, string provider, double p99, int parallelism) =>
        new(new RouteTarget(id, TargetKind.Local, "node-1", "jetson-orin", provider, false), p99 / 2, p99, 0, 0, true, parallelism);

    private static RouteCandidate Remote(string id, TargetKind kind, bool offSite, double p99, double rtt, double cost) =>
        new(new RouteTarget(id, kind, id.Split('/')[^2], "gpu", "CUDA", offSite), p99 / 2, p99, rtt, cost, true);
}
