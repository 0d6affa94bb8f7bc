using Grpc.Core;
using Mesh.Node.Sync;
using Mesh.Protocol.Grpc;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Tests.Sync;

/// <summary>The retry pipeline audit sync and the control stream share: the hub's hint, then the spread first retry.</summary>
public sealed class HubChannelRetryTests
{
    private static HubChannel Channel(TimeSpan jitter) => new(Options.Create(new NodeOptions
    {
        NodeId = "edge-1",
        Site = "site-a",
        Sync = new SyncOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50), ReconnectJitter = jitter },
    }));

    /// <summary>Runs the pipeline over <paramref name="failures"/> (one per attempt, then success) and returns the delays it chose.</summary>
    private static async Task<List<TimeSpan>> DelaysAsync(HubChannel channel, params Exception[] failures)
    {
        var delays = new List<TimeSpan>();
        var attempt = 0;
        var retry = channel.Retry(CancellationToken.None, args =>
        {
            delays.Add(args.RetryDelay);
            return ValueTask.CompletedTask;
        });
        await retry.ExecuteAsync(_ => attempt < failures.Length ? throw failures[attempt++] : ValueTask.CompletedTask);
        return delays;
    }

    [Fact]
    public async Task Retry_HubShedTheStream_WaitsTheHubsHintNotItsOwnBackoff()
    {
        using var channel = Channel(TimeSpan.Zero);
        var shed = new RpcException(new Status(StatusCode.ResourceExhausted, "busy"), new Metadata { { AuditSyncTrailers.RetryAfterMs, "300" } });

        var delays = await DelaysAsync(channel, shed, shed);

        delays.Count.ShouldBe(2);
        delays.ShouldAllBe(d => d >= TimeSpan.FromMilliseconds(300) && d <= TimeSpan.FromMilliseconds(360), "the hint beats MaxBackoff (50 ms) too");
    }

    [Fact]
    public async Task Retry_FirstFailure_WaitsInitialBackoffPlusAShareOfTheJitterThenBacksOff()
    {
        using var channel = Channel(TimeSpan.FromMilliseconds(200));
        var down = new RpcException(new Status(StatusCode.Unavailable, "down"));

        var delays = await DelaysAsync(channel, down, down, down);

        delays[0].ShouldBeInRange(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(210));
        delays.Skip(1).ShouldAllBe(d => d <= TimeSpan.FromMilliseconds(50), "later retries follow the exponential back-off");
    }
}
