using Grpc.Core;
using Mesh.Node.Sync;
using Mesh.Protocol.Grpc;

namespace Mesh.Node.Tests.Sync;

public sealed class ReconnectDelayTests
{
    private static readonly SyncOptions Options = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(200),
        ReconnectJitter = TimeSpan.FromSeconds(3),
    };

    private static RpcException Shed(string? retryAfterMs)
    {
        var trailers = new Metadata();
        if (retryAfterMs is not null)
            trailers.Add(AuditSyncTrailers.RetryAfterMs, retryAfterMs);
        return new RpcException(new Status(StatusCode.ResourceExhausted, "busy"), trailers);
    }

    [Fact]
    public void For_HubShedTheStreamWithAHint_WaitsTheHintPlusAtMostAFifth()
    {
        var delays = Enumerable.Range(0, 200).Select(i => ReconnectDelay.For(Shed("1500"), attempt: 4, Options, new Random(i))!.Value).ToList();

        delays.ShouldAllBe(d => d >= TimeSpan.FromMilliseconds(1500) && d <= TimeSpan.FromMilliseconds(1800));
        delays.Distinct().Count().ShouldBeGreaterThan(1, "jittered, so shed nodes do not return in step");
    }

    [Fact]
    public void For_FirstRetryWithoutHint_WaitsInitialBackoffPlusAShareOfTheJitter()
    {
        var delays = Enumerable.Range(0, 500).Select(i => ReconnectDelay.For(new RpcException(new Status(StatusCode.Unavailable, "down")), 0, Options, new Random(i))!.Value).ToList();

        delays.ShouldAllBe(d => d >= Options.InitialBackoff && d <= Options.InitialBackoff + Options.ReconnectJitter);
        delays.Max().ShouldBeGreaterThan(TimeSpan.FromSeconds(2), "spread over the whole jitter");
        delays.Min().ShouldBeLessThan(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void For_LaterRetryWithoutHint_LeavesItToTheExponentialBackoff()
    {
        ReconnectDelay.For(new RpcException(new Status(StatusCode.Unavailable, "down")), 3, Options, new Random(1)).ShouldBeNull();
        ReconnectDelay.For(Shed(null), 3, Options, new Random(1)).ShouldBeNull("a shed without a usable hint falls back to the back-off");
        ReconnectDelay.For(Shed("soon"), 3, Options, new Random(1)).ShouldBeNull();
    }

    [Fact]
    public void HubRetryAfter_HugeHint_IsCapped()
    {
        ReconnectDelay.HubRetryAfter(Shed("99999999999")).ShouldBe(AuditSyncTrailers.MaxRetryAfter);
        ReconnectDelay.HubRetryAfter(new RpcException(new Status(StatusCode.Unavailable, "x"), new Metadata { { AuditSyncTrailers.RetryAfterMs, "10" } }))
            .ShouldBeNull("only a shed (ResourceExhausted) carries a hint to obey");
    }
}
