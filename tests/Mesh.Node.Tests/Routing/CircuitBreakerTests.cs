using Mesh.Node.Routing;

namespace Mesh.Node.Tests.Routing;

/// <summary>Breakers: 5 failures or a timeout storm open; after the open period one probe; its outcome decides.</summary>
public sealed class CircuitBreakerTests
{
    private const string Peer = "peer/node-2/CUDA";
    private static readonly RouteCandidate PeerCandidate = Routes.Peer(Peer);
    private readonly Support.ManualTimeProvider _clock = Routes.Clock();
    private readonly LiveStats _live;

    public CircuitBreakerTests() => _live = Routes.Live(_clock);

    private Verdict PeerVerdict() => Routes.Choose(100, RouteLimits.None, _live, 0, PeerCandidate).Verdicts[0].Verdict;

    [Theory]
    [InlineData(4, Verdict.Won)]
    [InlineData(5, Verdict.BreakerOpen)]
    [InlineData(9, Verdict.BreakerOpen)]
    public void Choose_ConsecutiveFailures_FiveOpenTheBreaker(int failures, Verdict verdict)
    {
        _live.Fail(Peer, failures);

        PeerVerdict().ShouldBe(verdict);
    }

    [Fact]
    public void Choose_BreakerOpen_WhyNamesSinceAndFailures()
    {
        _clock.Advance(TimeSpan.FromSeconds(184));
        _live.Fail(Peer, 5);

        var d = Routes.Choose(100, RouteLimits.None, _live, 0, PeerCandidate);

        d.Verdicts[0].Why.ShouldBe("breaker open since 12:03:04Z (5 failures)");
        d.Degraded.ShouldBeTrue();
    }

    [Fact]
    public void Breaker_SuccessBetweenFailures_StaysClosed()
    {
        _live.Fail(Peer, 4);
        _live.Measure(Peer, 3);
        _live.Fail(Peer, 4);

        _live.Snapshot(Peer).Breaker.State.ShouldBe(BreakerState.Closed);
    }

    [Fact]
    public void Breaker_AfterOpenPeriod_OneProbeOnly()
    {
        _live.Fail(Peer, 5);
        _clock.Advance(TimeSpan.FromSeconds(9.9));
        PeerVerdict().ShouldBe(Verdict.BreakerOpen);
        _live.Started(Peer).ShouldBeFalse();

        _clock.Advance(TimeSpan.FromSeconds(0.1));
        _live.Snapshot(Peer).Breaker.State.ShouldBe(BreakerState.HalfOpen);
        PeerVerdict().ShouldBe(Verdict.Won);

        _live.Started(Peer).ShouldBeTrue();
        _live.Started(Peer).ShouldBeFalse();
        PeerVerdict().ShouldBe(Verdict.BreakerOpen);
        Routes.Choose(100, RouteLimits.None, _live, 0, PeerCandidate).Verdicts[0].Why
            .ShouldBe("breaker half-open, probe in flight (opened 12:00:00Z, 5 failures)");
    }

    [Fact]
    public void Breaker_ProbeSucceeds_Closes()
    {
        _live.Fail(Peer, 5);
        _clock.Advance(TimeSpan.FromSeconds(10));
        _live.Started(Peer).ShouldBeTrue();

        _live.Succeeded(Peer, TimeSpan.FromMilliseconds(3));

        _live.Snapshot(Peer).Breaker.State.ShouldBe(BreakerState.Closed);
        PeerVerdict().ShouldBe(Verdict.Won);
        _live.Started(Peer).ShouldBeTrue();
        _live.Started(Peer).ShouldBeTrue();
    }

    [Fact]
    public void Breaker_ProbeFails_OpensAgainForAnotherPeriod()
    {
        _live.Fail(Peer, 5);
        _clock.Advance(TimeSpan.FromSeconds(10));
        _live.Started(Peer).ShouldBeTrue();

        _live.Failed(Peer, TargetFailure.Error);

        var b = _live.Snapshot(Peer).Breaker;
        b.State.ShouldBe(BreakerState.Open);
        b.Trip.ShouldBe(BreakerTrip.ProbeFailed);
        b.OpenedAt.ShouldBe(Routes.Noon.AddSeconds(10));
        _clock.Advance(TimeSpan.FromSeconds(9));
        PeerVerdict().ShouldBe(Verdict.BreakerOpen);
        _clock.Advance(TimeSpan.FromSeconds(1));
        PeerVerdict().ShouldBe(Verdict.Won);
    }

    [Fact]
    public void Breaker_ProbeNeverReports_AnotherProbeAfterOpenPeriod()
    {
        _live.Fail(Peer, 5);
        _clock.Advance(TimeSpan.FromSeconds(10));
        _live.Started(Peer).ShouldBeTrue();

        _clock.Advance(TimeSpan.FromSeconds(10));

        _live.Started(Peer).ShouldBeTrue();
    }

    [Fact]
    public void Breaker_ProbeAbandoned_FreesTheSlot()
    {
        _live.Fail(Peer, 5);
        _clock.Advance(TimeSpan.FromSeconds(10));
        _live.Started(Peer).ShouldBeTrue();

        _live.Abandoned(Peer);

        _live.Snapshot(Peer).InFlight.ShouldBe(0);
        _live.Started(Peer).ShouldBeTrue();
    }

    [Fact]
    public void Breaker_ConfiguredOpenPeriod_Honoured()
    {
        var live = Routes.Live(_clock, new LiveStatsOptions { OpenFor = TimeSpan.FromSeconds(30) });
        live.Fail(Peer, 5);

        _clock.Advance(TimeSpan.FromSeconds(29));
        live.Snapshot(Peer).Breaker.State.ShouldBe(BreakerState.Open);
        _clock.Advance(TimeSpan.FromSeconds(1));
        live.Snapshot(Peer).Breaker.State.ShouldBe(BreakerState.HalfOpen);
    }

    [Fact]
    public void Breaker_TimeoutStormAmongSuccesses_Opens()
    {
        for (var i = 0; i < 3; i++)
        {
            _live.Fail(Peer, 1, TargetFailure.Timeout);
            _live.Measure(Peer, 3);
            _clock.Advance(TimeSpan.FromSeconds(4));
        }

        var b = _live.Snapshot(Peer).Breaker;
        b.State.ShouldBe(BreakerState.Open);
        b.Trip.ShouldBe(BreakerTrip.TimeoutStorm);
        Routes.Choose(100, RouteLimits.None, _live, 0, PeerCandidate).Verdicts[0].Why
            .ShouldBe("breaker open since 12:00:08Z (timeout storm)");
    }

    [Fact]
    public void Breaker_TimeoutsSpreadOut_StaysClosed()
    {
        for (var i = 0; i < 6; i++)
        {
            _live.Fail(Peer, 1, TargetFailure.Timeout);
            _live.Measure(Peer, 3);
            _clock.Advance(TimeSpan.FromSeconds(6));
        }

        _live.Snapshot(Peer).Breaker.State.ShouldBe(BreakerState.Closed);
    }

    [Fact]
    public void Options_Invalid_Refused()
    {
        var bad = new LiveStatsOptions { EwmaAlpha = 0, OpenFor = TimeSpan.Zero };

        bad.Validate().Count.ShouldBe(2);
        Should.Throw<ArgumentException>(() => new LiveStats(_clock, bad)).Message.ShouldContain("EwmaAlpha 0 must be within (0, 1]");
    }
}
