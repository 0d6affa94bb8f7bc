using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Cluster;
using Mesh.Node.Control;
using Mesh.Node.Decisions;
using Mesh.Node.Ingest;
using Mesh.Node.Tests.Support;
using Mesh.Protocol;
using Mesh.Protocol.Time;
using Mesh.Protocol.Topics;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Mesh.Node.Tests.Ingest;

/// <summary>
/// A site member's ingest asks a device agent through the shard region; when a member leaves meanwhile, the question
/// may have gone with it. The pipeline then asks again at once, and whichever answer carries the commands sends them, once.
/// The region here is a test probe that answers (or not) as each test says.
/// </summary>
public sealed class IngestPipelineReaskTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private const string Site = "site-a";
    private static readonly RuleFired Cooling = new("cooling", "cooling-on", Active: true, GateOutcome.Allowed, Priority: 10, "temperature 35 > 30", Approval: null);
    private readonly TempDirectory _dir = new();
    private readonly AuditJournal _journal;
    private readonly TestProbe _region;
    private readonly MemberRemovals _removals = new();
    private readonly RecordingPublisher _published = new();
    private readonly IngestPipeline _pipeline;

    public IngestPipelineReaskTests(ITestOutputHelper output) : base(output: output)
    {
        var logs = new LogSink();
        // Long enough that only a second question can answer within the test's patience.
        var options = Options.Create(new NodeOptions { NodeId = "edge-1", Site = Site, Ingest = new IngestOptions { DecisionTimeout = TimeSpan.FromMinutes(2) } });
        _journal = new AuditJournal(Path.Combine(_dir.Path, AuditJournalStore.FileName), "edge-1", Site, new HybridLogicalClock("edge-1"), new JournalOptions(), logs.For<AuditJournal>());
        _region = CreateTestProbe();
        var devices = new FixedActor(_region.Ref);
        _removals.Watch(); // as on a site member
        var stats = new NodeStats();
        var approvals = new LocalApprovals(options, new HubLink(), new JournalLookup(_journal), _journal, devices, TimeProvider.System, logs.For<LocalApprovals>());
        _pipeline = new IngestPipeline(options, _journal, devices, new CommandSender(stats), approvals, _removals, stats, TimeProvider.System, logs.For<IngestPipeline>())
        {
            Publisher = _published,
        };
    }

    [Fact]
    public async Task MemberRemovedWhileAsking_AskedAgainAndTheSecondAnswerReleasesTheReading()
    {
        var handling = HandleAsync(seq: 7);
        _region.ExpectMsg<DeviceCommands.Observe>().Observation.Seq.ShouldBe(7);
        // The agent's member dies with the question; the survivors remove it.
        _removals.Pulse();

        _region.ExpectMsg<DeviceCommands.Observe>(TimeSpan.FromSeconds(10)).Observation.Seq.ShouldBe(7, "the same reading, asked again");
        _region.Reply(new DeviceReplies.Recorded(DecisionOutcome.Accepted, [Cooling], 3));

        (await handling.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(IngestOutcome.Accepted);
        Commands().ShouldBe(["cooling-on"]);
    }

    [Fact]
    public async Task EarlierAnswerCarriesTheCommands_TheyGoOutOnceEvenWhenItComesLast()
    {
        var handling = HandleAsync(seq: 8);
        var first = _region.ExpectMsg<DeviceCommands.Observe>();
        var firstAsker = _region.LastSender;
        _removals.Pulse();
        _region.ExpectMsg<DeviceCommands.Observe>(TimeSpan.FromSeconds(10));
        // The agent had decided the first question (its records newly written, commands with them); the second finds
        // the reading seen and carries nothing. The second answer comes first.
        _region.Reply(new DeviceReplies.Recorded(DecisionOutcome.Duplicate, [], 3));
        (await handling.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(IngestOutcome.Duplicate);
        Commands().ShouldBeEmpty();

        firstAsker.Tell(new DeviceReplies.Recorded(DecisionOutcome.Accepted, [Cooling], 3));
        await AwaitAssertAsync(() => Commands().ShouldBe(["cooling-on"]), TimeSpan.FromSeconds(10));
        first.Observation.Seq.ShouldBe(8);
    }

    [Fact]
    public async Task BothAnswersCarryCommands_OnlyTheFirstIsSent()
    {
        var handling = HandleAsync(seq: 9);
        _region.ExpectMsg<DeviceCommands.Observe>();
        var firstAsker = _region.LastSender;
        _removals.Pulse();
        _region.ExpectMsg<DeviceCommands.Observe>(TimeSpan.FromSeconds(10));
        var secondAsker = _region.LastSender;

        firstAsker.Tell(new DeviceReplies.Recorded(DecisionOutcome.Accepted, [Cooling], 3));
        (await handling.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(IngestOutcome.Accepted);
        secondAsker.Tell(new DeviceReplies.Recorded(DecisionOutcome.Accepted, [Cooling], 4));
        // Nothing more goes out while the late answer is taken in (a quiet window: what must not happen).
        for (var quiet = DateTime.UtcNow + TimeSpan.FromMilliseconds(500); DateTime.UtcNow < quiet; await Task.Delay(50))
            Commands().ShouldBe(["cooling-on"], "one command per reading, not one per answer");
    }

    [Fact]
    public async Task NoMemberLeaves_TheReadingIsAskedOnce()
    {
        var handling = HandleAsync(seq: 10);
        _region.ExpectMsg<DeviceCommands.Observe>();
        _region.Reply(new DeviceReplies.Recorded(DecisionOutcome.Accepted, [], 3));
        (await handling.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(IngestOutcome.Accepted);
        _removals.Pulse();
        _region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    private Task<IngestOutcome> HandleAsync(long seq) =>
        _pipeline.HandleAsync(MeshTopics.Telemetry(new SiteId(Site), new DeviceId("fan-1")),
            Encoding.UTF8.GetBytes($$$"""{"ts":"{{{DateTimeOffset.UtcNow:O}}}","seq":{{{seq}}},"metrics":{"temperature":35}}"""), CancellationToken.None);

    private List<string> Commands() =>
        [.. _published.Sent.Where(s => s.Topic.EndsWith("/command", StringComparison.Ordinal))
            .Select(s => System.Text.Json.JsonDocument.Parse(s.Payload).RootElement.GetProperty("action").GetString()!)];

    void IDisposable.Dispose()
    {
        _journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
        Dispose();
    }

    /// <summary>The registry's device manager, here a probe.</summary>
    private sealed class FixedActor(IActorRef actor) : IRequiredActor<DeviceManager>
    {
        public IActorRef ActorRef => actor;

        public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(actor);
    }
}
