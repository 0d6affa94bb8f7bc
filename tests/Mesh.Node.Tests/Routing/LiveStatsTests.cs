using Mesh.Node.Routing;

namespace Mesh.Node.Tests.Routing;

/// <summary>Live statistics: the measured average replaces the prior, queues raise the prediction, counts add up.</summary>
public sealed class LiveStatsTests
{
    private const string Cuda = "local/CUDA";
    private static readonly RouteCandidate CudaCandidate = Routes.Local("CUDA", p99: 40);

    private static CandidateVerdict Judge(LiveStats live, RouteCandidate? candidate = null) =>
        Routes.Choose(1000, RouteLimits.None, live, 0, candidate ?? CudaCandidate).Verdicts[0];

    [Theory]
    [InlineData(0, 40, false)]
    [InlineData(2, 40, false)]
    [InlineData(3, 5, true)]
    [InlineData(10, 5, true)]
    public void Choose_Samples_AverageReplacesPriorFromThree(int samples, double predictedMs, bool measured)
    {
        var live = Routes.Live();
        for (var i = 0; i < samples; i++)
            live.Measure(Cuda, 5);

        var v = Judge(live);

        v.PredictedMs.ShouldBe(predictedMs);
        v.Measured.ShouldBe(measured);
    }

    [Fact]
    public void Ewma_NewLatencies_MovesTowardThemByAlpha()
    {
        var live = Routes.Live();
        live.Measure(Cuda, 5, 5, 5);

        live.Measure(Cuda, 20);
        live.Snapshot(Cuda).EwmaMs.ShouldBe(8, 1e-9); // 0.2·20 + 0.8·5

        live.Measure(Cuda, 20);
        live.Snapshot(Cuda).EwmaMs.ShouldBe(10.4, 1e-9); // 0.2·20 + 0.8·8

        for (var i = 0; i < 40; i++)
            live.Measure(Cuda, 20);
        Judge(live).PredictedMs.ShouldBe(20, 0.01);
    }

    [Fact]
    public void Ewma_MeasuredSlowerThanDeadline_MissesIt()
    {
        var live = Routes.Live();
        live.Measure(Cuda, 60, 60, 60);

        var d = Routes.Choose(50, RouteLimits.None, live, 0, CudaCandidate);

        d.Verdicts[0].Verdict.ShouldBe(Verdict.MissesDeadline);
        d.Verdicts[0].Why.ShouldBe("predicted 60.0 ms > deadline 50 ms (measured 60.0 ms)");
    }

    [Fact]
    public void Ewma_NoMeasurementForTheForgetTime_PriorAgainThenAFreshAverage()
    {
        var clock = Routes.Clock();
        var live = Routes.Live(clock);
        live.Measure(Cuda, 60, 60, 60);
        Routes.Choose(50, RouteLimits.None, live, 0, CudaCandidate).Verdicts[0].Verdict.ShouldBe(Verdict.MissesDeadline);

        clock.Advance(LiveStatsOptions.Default.ForgetAfter + TimeSpan.FromMilliseconds(1));
        var retried = Routes.Choose(50, RouteLimits.None, live, 0, CudaCandidate).Verdicts[0];
        live.Measure(Cuda, 5);

        retried.Verdict.ShouldBe(Verdict.Won);        // judged on its prior (p99 40 ms) again, not on the old 60 ms
        retried.Measured.ShouldBeFalse();
        live.Snapshot(Cuda).EwmaMs.ShouldBe(5);       // the old average does not leak into the new one
        live.Snapshot(Cuda).Samples.ShouldBe(1);
    }

    [Theory]
    [InlineData(1, 0, 10)]
    [InlineData(1, 1, 20)]
    [InlineData(1, 2, 30)]
    [InlineData(4, 2, 15)]
    [InlineData(4, 4, 20)]
    [InlineData(0, 1, 20)]
    public void Predict_InFlight_RaisesByQueueOverParallelism(int parallelism, int inFlight, double predictedMs)
    {
        var live = Routes.Live();
        var candidate = Routes.Local("CPU", p99: 10, parallelism: parallelism);
        for (var i = 0; i < inFlight; i++)
            live.Started("local/CPU").ShouldBeTrue();

        Judge(live, candidate).PredictedMs.ShouldBe(predictedMs);
    }

    [Fact]
    public void Predict_RemoteQueued_RoundTripPaidOnce()
    {
        var live = Routes.Live();
        live.Started("peer/node-2/CUDA");

        var v = Judge(live, Routes.Peer(p99: 3, rtt: 2));

        v.PredictedMs.ShouldBe(2 + 3 * 2);
    }

    [Fact]
    public void Choose_QueueOnFastTarget_CheaperSlowerOneWins()
    {
        var live = Routes.Live();
        var cuda = Routes.Local("CUDA", p99: 10);
        var cpu = Routes.Local("CPU", p99: 25);
        Routes.Choose(100, RouteLimits.None, live, 0, cuda, cpu).WinnerId().ShouldBe("local/CUDA");

        for (var i = 0; i < 2; i++)
            live.Started("local/CUDA");

        var d = Routes.Choose(100, RouteLimits.None, live, 0, cuda, cpu);
        d.WinnerId().ShouldBe("local/CPU");
        d.Of("local/CUDA").Verdict.ShouldBe(Verdict.Slower);
        d.Of("local/CUDA").Health.InFlight.ShouldBe(2);
    }

    [Fact]
    public void Stats_ManyThreads_CountsAddUp()
    {
        // Threads interleave freely, so five failures of one target can come in a row: keep the breaker out of
        // this test (it is about counting), or it may open and refuse a start.
        var live = Routes.Live(options: LiveStatsOptions.Default with { FailuresToOpen = 1000 });
        string[] ids = ["local/CUDA", "local/CPU", "peer/node-2/CUDA", "cloud/gpu-1"];
        const int Calls = 40_000;

        Parallel.For(0, Calls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var id = ids[i % ids.Length];
            live.Started(id).ShouldBeTrue();
            if (i / ids.Length % 10 == 0)
                live.Failed(id, TargetFailure.Error);
            else
                live.Succeeded(id, TimeSpan.FromMilliseconds(4));
            _ = live.Snapshot(id);
        });

        foreach (var id in ids)
        {
            var h = live.Snapshot(id);
            h.InFlight.ShouldBe(0);
            (h.Successes + h.Failures).ShouldBe(Calls / ids.Length);
            h.Failures.ShouldBe(Calls / ids.Length / 10);
            h.Samples.ShouldBe(h.Successes);
            h.EwmaMs.ShouldBe(4, 1e-9);
            h.Breaker.State.ShouldBe(BreakerState.Closed);
        }
    }

    [Fact]
    public void Stats_OutcomeWithoutStart_QueueNeverNegative()
    {
        var live = Routes.Live();

        live.Succeeded(Cuda, TimeSpan.FromMilliseconds(1));
        live.Failed(Cuda, TargetFailure.Timeout);

        live.Snapshot(Cuda).InFlight.ShouldBe(0);
    }

    [Fact]
    public void Snapshot_UnknownTarget_NothingMeasuredBreakerClosed()
    {
        var h = Routes.Live().Snapshot("nowhere");

        h.ShouldBe(TargetHealth.Unknown);
        h.Breaker.LetsThrough.ShouldBeTrue();
    }
}
