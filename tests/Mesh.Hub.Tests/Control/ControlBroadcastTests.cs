using Grpc.Core;
using Mesh.Hub.Control;
using Mesh.Hub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Tests.Control;

public sealed class ControlBroadcastTests
{
    [Fact]
    public async Task Publish_SlowSubscriberFallsBehind_IsCutOffWithResourceExhaustedWhileOthersGetEverything()
    {
        var broadcast = new ControlBroadcast(Options.Create(new HubOptions { WatchQueueCapacity = 3 }), NullLogger<ControlBroadcast>.Instance);
        using var slow = broadcast.Subscribe("edge-1", "site-a");
        using var fast = broadcast.Subscribe("edge-2", "site-a");
        var received = new List<long>();

        for (var activation = 1; activation <= 5; activation++)
        {
            broadcast.PublishPolicy(Policy("site-a", activation));
            received.Add((long)(await fast.Reader.ReadAsync()).Policy.Activation);
        }

        received.ShouldBe([1L, 2, 3, 4, 5]);
        slow.Overflowed.ShouldBeTrue();
        broadcast.Count.ShouldBe(1);
        var drained = new List<long>();
        var ex = await Should.ThrowAsync<RpcException>(async () =>
        {
            await foreach (var message in slow.Reader.ReadAllAsync())
                drained.Add((long)message.Policy.Activation);
        });
        ex.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        drained.ShouldBe([1L, 2, 3]);
    }

    [Fact]
    public void PublishDecision_GoesOnlyToThatNodesSubscribers()
    {
        var broadcast = new ControlBroadcast(Options.Create(new HubOptions()), NullLogger<ControlBroadcast>.Instance);
        using var mine = broadcast.Subscribe("edge-1", "site-a");
        using var other = broadcast.Subscribe("edge-2", "site-a");

        broadcast.PublishDecision(Approval("edge-1"));

        mine.Reader.TryRead(out var message).ShouldBeTrue();
        message!.Approval.ApprovalId.ShouldBe("apr-1");
        other.Reader.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void Dispose_Unsubscribes()
    {
        var broadcast = new ControlBroadcast(Options.Create(new HubOptions()), NullLogger<ControlBroadcast>.Instance);
        var subscription = broadcast.Subscribe("edge-1", "site-a");

        subscription.Dispose();
        broadcast.PublishPolicy(Policy("site-a", 1));

        broadcast.Count.ShouldBe(0);
        subscription.Reader.Completion.IsCompleted.ShouldBeTrue();
    }

    private static ActivePolicy Policy(string site, long activation) => new(
        new StoredActivation(site, activation, activation, "ab", 0, "alice", false, ""),
        new StoredPolicyVersion(site, activation, "ab", "p.yaml", "text", 0, "alice"));

    private static StoredApproval Approval(string node) => new(
        "apr-1", node, "site-a", "dev", "hot", "cooling-on", "operator", 1, "", "", "", "", "", 1, 0,
        new OperatorDecision(true, "alice", "", 0, false), null, null, null);
}
