using Mesh.Node.Routing;
using Mesh.Node.Tests.Support;

namespace Mesh.Node.Tests.Routing;

/// <summary>Candidates, clocks and a one-line Choose for the routing decision tables.</summary>
internal static class Routes
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static ManualTimeProvider Clock() => new(Noon);

    public static LiveStats Live(ManualTimeProvider? clock = null, LiveStatsOptions? options = null) =>
        new(clock ?? Clock(), options);

    public static RouteCandidate Local(string provider = "CPU", double p99 = 5, int parallelism = 1, bool available = true) =>
        new(new RouteTarget($"local/{provider}", TargetKind.Local, "node-1", "generic-x64-cpu", provider, false),
            p99 / 2, p99, 0, 0, available, parallelism);

    public static RouteCandidate Peer(string id = "peer/node-2/CUDA", double p99 = 3, double rtt = 2, double cost = 0, bool offSite = false) =>
        new(new RouteTarget(id, TargetKind.SitePeer, "node-2", "jetson-orin", "CUDA", offSite), p99 / 2, p99, rtt, cost, true);

    public static RouteCandidate Cloud(string id = "cloud/gpu-1", double p99 = 2, double rtt = 30, double cost = 0.0002, string currency = "USD") =>
        new(new RouteTarget(id, TargetKind.Cloud, "hub-gpu-1", "cloud-a10", "CUDA", true, currency), p99 / 2, p99, rtt, cost, true);

    public static readonly RouteLimits CloudAllowed = new() { RawReadingsLeaveSite = true };

    public static RouteDecision Choose(double deadlineMs, RouteLimits limits, params RouteCandidate[] candidates) =>
        Choose(deadlineMs, limits, Live(), 0, candidates);

    public static RouteDecision Choose(double deadlineMs, RouteLimits limits, LiveStats live, double spent, params RouteCandidate[] candidates) =>
        Router.Choose(new RouteTask("anomaly", TimeSpan.FromMilliseconds(deadlineMs)), candidates, limits, live, spent);

    public static CandidateVerdict Of(this RouteDecision d, string targetId)
    {
        foreach (var v in d.Verdicts)
        {
            if (v.TargetId == targetId)
                return v;
        }
        throw new InvalidOperationException($"no verdict for {targetId}");
    }

    public static string? WinnerId(this RouteDecision d) => d.Winner?.Target.Id;

    public static void Fail(this LiveStats live, string id, int times, TargetFailure failure = TargetFailure.Error)
    {
        for (var i = 0; i < times; i++)
        {
            live.Started(id);
            live.Failed(id, failure);
        }
    }

    public static void Measure(this LiveStats live, string id, params double[] latenciesMs)
    {
        foreach (var ms in latenciesMs)
        {
            live.Started(id);
            live.Succeeded(id, TimeSpan.FromMilliseconds(ms));
        }
    }
}
