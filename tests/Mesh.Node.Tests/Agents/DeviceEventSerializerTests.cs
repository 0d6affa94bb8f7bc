using System.Runtime.Serialization;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Hosting;
using Mesh.Node.Policy;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Tests.Agents;

/// <summary>Device snapshots through the serializer the node binds them to: every part of the state survives.</summary>
public sealed class DeviceEventSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TempDirectory _dir;

    public DeviceEventSerializerTests(Xunit.Abstractions.ITestOutputHelper output) : this(new TempDirectory(), output)
    {
    }

    private DeviceEventSerializerTests(TempDirectory dir, Xunit.Abstractions.ITestOutputHelper output)
        : base(NodePersistence.Config(dir.Path), output: output) => _dir = dir;

    protected override void AfterAll()
    {
        base.AfterAll();
        _dir.Dispose();
    }

    private static readonly string Yaml = TestPolicies.WithRules("""
          - id: overheat
            when: { metric: temperature, gt: 30 }
            clear: { metric: temperature, lt: 29 }
            action: cooling-on
            clear_action: cooling-off
          - id: heat-alarm
            when: { count: { metric: temperature, gt: 31.5 }, within: 30s, at_least: 2 }
            clear: { metric: temperature, lt: 25 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: 15m, on_timeout: approve, offline: approve_locally, max_age: 20m }
          - id: dock
            when: { metric: door, eq: 1 }
            action: unlock
            gate: deny
        """, "rate_limits:\n  - { action: \"*\", max: 5, per: 1h }\n");

    /// <summary>A state with every kind of content: rules on, readings with fired rules (allowed, denied, approval),
    /// window hits, commands issued (one by an approval) and an approval still pending.</summary>
    private static (DeviceState State, List<DeviceEvents.ReadingProcessed> Events) BusyState()
    {
        var run = new DeviceRun(TestPolicies.For(Yaml), redeliveryWindow: 16);
        var events = new List<DeviceEvents.ReadingProcessed>
        {
            run.Feed(0, ("door", 1), ("temperature", 32.25)),
            run.Feed(1.5, ("door", 0), ("humidity", -0.125), ("temperature", 33)),
            run.Feed(2, ("temperature", 20)),
            run.Feed(3, ("temperature", 35)),
            run.Feed(4, ("temperature", 36)),
        };
        var first = events[1].Fired.Single(f => f.Approval is not null).Approval!;
        run.State = run.State.Apply(ApprovalSettlement.ByPerson(first, true, false, "alice", "", first.ReadingTsMs + 1000), 16);
        return (run.State, events);
    }

    [Fact]
    public void Snapshot_BusyState_RoundTripsEveryPart()
    {
        var (state, events) = BusyState();
        state.Pending.Count.ShouldBe(1);
        state.Issued.Count.ShouldBeGreaterThanOrEqualTo(3);
        state.Windows.ShouldNotBeEmpty();
        events.SelectMany(e => e.Fired).Select(f => f.Gate).Distinct().Count().ShouldBeGreaterThanOrEqualTo(3);
        var snapshot = DeviceSnapshot.From(state, journalMark: 42);

        var serializer = Sys.Serialization.FindSerializerFor(snapshot);
        var back = Sys.Serialization.Deserialize(serializer.ToBinary(snapshot), serializer.Identifier, ((Akka.Serialization.SerializerWithStringManifest)serializer).Manifest(snapshot));

        serializer.ShouldBeOfType<DeviceEventSerializer>();
        var restored = back.ShouldBeOfType<DeviceSnapshot>();
        restored.JournalMark.ShouldBe(42);
        restored.LastSeq.ShouldBe(5);
        restored.Recent.ShouldBe(events);
        restored.Recent.SelectMany(r => r.Fired).Select(f => f.Approval).ShouldBe(events.SelectMany(e => e.Fired).Select(f => f.Approval));
        restored.Recent.SelectMany(r => r.Hits).ShouldBe(events.SelectMany(e => e.Hits));
        restored.Pending.ShouldBe(state.Pending.Values);
        restored.Pending[0].Offline.ShouldBe(OfflineApproval.ApproveLocally);
        restored.Issued.ShouldBe(state.Issued);
        restored.ToState().ShouldBe(state);
    }

    [Fact]
    public void Snapshot_RestoredState_DecidesTheNextReadingAsTheOriginal()
    {
        var (state, _) = BusyState();
        var serializer = new DeviceEventSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var snapshot = DeviceSnapshot.From(state, 7);
        var restored = ((DeviceSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot))).ToState();
        var policy = TestPolicies.For(Yaml);
        var next = DeviceRun.Reading("dev-1", 6, 5, ("door", 1), ("temperature", 24));

        var a = DecisionCore.Decide(state, next, policy, InferenceResults.None, DeviceRun.Digest);
        var b = DecisionCore.Decide(restored, next, policy, InferenceResults.None, DeviceRun.Digest);

        b.ShouldBe(a);
        a.Event!.Fired.Count.ShouldBe(3);
    }

    [Fact]
    public void Snapshot_Empty_RoundTrips()
    {
        var serializer = new DeviceEventSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var snapshot = DeviceSnapshot.From(DeviceState.Empty, 0);

        var back = (DeviceSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot));

        back.ToState().ShouldBe(DeviceState.Empty);
    }

    [Fact]
    public void Serializer_NotASnapshot_Refused()
    {
        var serializer = new DeviceEventSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var settled = new DeviceEvents.ApprovalSettled("apr-1", "r", "a", 1, "granted", "alice", "", 0, true);

        Should.Throw<ArgumentException>(() => serializer.ToBinary(settled));
        Should.Throw<ArgumentException>(() => serializer.Manifest(settled));
        Should.Throw<SerializationException>(() => serializer.FromBinary([], "as1"));
    }
}
