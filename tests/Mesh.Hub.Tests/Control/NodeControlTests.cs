using Grpc.Core;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Control;

public sealed class NodeControlTests
{
    [Fact]
    public async Task Watch_SiteHasAnActivePolicy_SendsItOnConnect()
    {
        await using var hub = await HubHarness.StartAsync();
        var text = TestPolicies.Valid(1);
        await hub.PushPolicyOkAsync(text);

        using var watch = WatchSession.Open(hub.Control);
        var update = await watch.NextPolicyAsync();

        update.ShouldBe(new PolicyUpdate
        {
            Site = TestChain.Site, Version = 1, Sha256 = TestPolicies.Sha256(text), Text = text, Activation = 1, Rollback = false, ActivatedBy = "alice",
        });
    }

    [Fact]
    public async Task Watch_NodeSaysItRunsTheActivePolicy_StillSendsIt()
    {
        await using var hub = await HubHarness.StartAsync();
        var pushed = await hub.PushPolicyOkAsync(TestPolicies.Valid(1));

        using var call = hub.Control.Watch(new WatchRequest { NodeId = TestChain.Node, Site = TestChain.Site, PolicyVersion = 1, PolicySha256 = pushed.Sha256 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        (await call.ResponseStream.MoveNext(timeout.Token)).ShouldBeTrue();
        call.ResponseStream.Current.Policy.Activation.ShouldBe(1UL);
    }

    [Fact]
    public async Task Watch_NewPush_ArrivesLive()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        using var watch = WatchSession.Open(hub.Control);
        (await watch.NextPolicyAsync()).Version.ShouldBe(1UL);

        var text = TestPolicies.Valid(2);
        await hub.PushPolicyOkAsync(text);
        var update = await watch.NextPolicyAsync();

        (update.Version, update.Activation, update.Text, update.Rollback).ShouldBe((2UL, 2UL, text, false));
    }

    [Fact]
    public async Task Watch_NoPolicyYet_FirstPushArrivesLive()
    {
        await using var hub = await HubHarness.StartAsync();
        using var watch = WatchSession.Open(hub.Control);
        await hub.WaitForWatchersAsync(1);

        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));

        (await watch.NextPolicyAsync()).Activation.ShouldBe(1UL);
    }

    [Fact]
    public async Task Watch_Rollback_ArrivesAsANewActivationMarkedRollback()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));
        using var watch = WatchSession.Open(hub.Control);
        (await watch.NextPolicyAsync()).Version.ShouldBe(2UL);

        (await hub.RollbackAsync(1)).EnsureSuccessStatusCode();
        var update = await watch.NextPolicyAsync();

        (update.Version, update.Activation, update.Rollback, update.ActivatedBy).ShouldBe((1UL, 3UL, true, "bob"));
    }

    [Fact]
    public async Task Watch_TwoSubscribers_BothReceiveEachPush()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        using var first = WatchSession.Open(hub.Control, "edge-1");
        using var second = WatchSession.Open(hub.Control, "edge-2");
        (await first.NextPolicyAsync()).Activation.ShouldBe(1UL);
        (await second.NextPolicyAsync()).Activation.ShouldBe(1UL);

        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));

        (await first.NextPolicyAsync()).Activation.ShouldBe(2UL);
        (await second.NextPolicyAsync()).Activation.ShouldBe(2UL);
    }

    [Fact]
    public async Task Watch_OtherSitesPush_IsNotSent()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        using var watch = WatchSession.Open(hub.Control);
        (await watch.NextPolicyAsync()).Activation.ShouldBe(1UL);

        await hub.PushPolicyOkAsync(TestPolicies.Valid(5, site: "site-b"), site: "site-b");
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));

        var next = await watch.NextPolicyAsync();
        (next.Site, next.Version).ShouldBe((TestChain.Site, 2UL));
    }

    [Theory]
    [InlineData("", TestChain.Site, "node_id is empty")]
    [InlineData("edge/1", TestChain.Site, "node_id 'edge/1'")]
    [InlineData("edge 1", TestChain.Site, "node_id 'edge 1'")]
    [InlineData(TestChain.Node, "", "site is empty")]
    [InlineData(TestChain.Node, "site+a", "site 'site+a'")]
    public async Task Watch_BadIds_RefusedWithInvalidArgument(string node, string site, string message)
    {
        await using var hub = await HubHarness.StartAsync();
        using var watch = WatchSession.Open(hub.Control, node, site);

        var ex = await watch.FailureAsync();

        ex.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        ex.Status.Detail.ShouldContain(message);
    }

    [Fact]
    public async Task Watch_NodeKnownAtAnotherSite_RefusedWithPermissionDenied()
    {
        await using var hub = await HubHarness.StartAsync();
        await using (await SyncSession.StartAsync(hub.Client))
        {
        }
        using var watch = WatchSession.Open(hub.Control, TestChain.Node, "site-b");

        var ex = await watch.FailureAsync();

        ex.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        ex.Status.Detail.ShouldContain($"site '{TestChain.Site}'");
    }

    [Fact]
    public async Task Watch_Cancelled_Unsubscribes()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        var watch = WatchSession.Open(hub.Control);
        (await watch.NextPolicyAsync()).Activation.ShouldBe(1UL);
        await hub.WaitForWatchersAsync(1);

        watch.Dispose();

        await hub.WaitForWatchersAsync(0);
    }

    [Fact]
    public async Task Watch_SubscriberStopsReading_IsCutOffWithResourceExhaustedAndOthersKeepReceiving()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:WatchQueueCapacity=2");
        using var stuck = WatchSession.Open(hub.Control, "edge-1");
        using var reader = WatchSession.Open(hub.Control, "edge-2");
        await hub.WaitForWatchersAsync(2);

        // Big texts fill the HTTP/2 flow-control window of the stuck client, so its queue at the hub fills up.
        for (var version = 1; version <= 16; version++)
        {
            await hub.PushPolicyOkAsync(TestPolicies.Valid(version) + "# " + new string('x', 40_000) + "\n");
            (await reader.NextPolicyAsync()).Version.ShouldBe((ulong)version);
        }

        var ex = await stuck.FailureAsync();
        ex.StatusCode.ShouldBe(StatusCode.ResourceExhausted, ex.Status.Detail);
        await hub.WaitForWatchersAsync(1);
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 52);
    }

    [Fact]
    public async Task Watch_HubStops_StreamEndsPromptly()
    {
        var hub = await HubHarness.StartAsync();
        var watch = WatchSession.Open(hub.Control);
        await hub.WaitForWatchersAsync(1);
        var started = DateTime.UtcNow;

        await hub.DisposeAsync();

        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
        watch.Dispose();
    }
}
