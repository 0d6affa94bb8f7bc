using Akka.Actor;
using Akka.TestKit;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Control;
using Mesh.Node.Decisions;
using Mesh.Node.Hosting;
using Mesh.Node.Ingest;
using Mesh.Node.Policy;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Mesh.Node.Tests.Support;

/// <summary>
/// A device agent over real persistence (SQLite snapshots via <see cref="NodePersistence"/>) and a real audit
/// journal, with the built-in policy active, a clock that moves only when told, a hub link that starts
/// disconnected and a publisher that records commands. A test fails when the actor system or a component
/// logged an error.
/// </summary>
public abstract class AgentTestKit : Akka.TestKit.Xunit2.TestKit
{
    public const string Site = TestPolicies.Site;
    public const string Device = "dev-1";
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    protected static readonly DateTimeOffset T0 = DeviceRun.T0;

    private readonly TempDirectory _dir;
    private readonly TestProbe _errors;

    protected AgentTestKit(ITestOutputHelper output) : this(new TempDirectory(), output)
    {
    }

    private AgentTestKit(TempDirectory dir, ITestOutputHelper output) : base(NodePersistence.Config(dir.Path), output: output)
    {
        _dir = dir;
        Journal = new AuditJournal(Path.Combine(dir.Path, AuditJournalStore.FileName), "edge-1", Site,
            new HybridLogicalClock("edge-1"), new JournalOptions(), Logs.For<AuditJournal>());
        Lookup = new JournalLookup(Journal);
        Policies = new PolicyHost(Site, BuiltInPolicy.For(Site, [ThresholdRule.DefaultCooling]),
            new Dictionary<string, IReadOnlyDictionary<string, string>>(), Journal, Lookup, Logs.For<PolicyHost>());
        Policies.StartAsync(null).GetAwaiter().GetResult();
        Commands = new CommandSender(Stats) { Publisher = Published };
        _errors = CreateTestProbe();
        Sys.EventStream.Subscribe(_errors.Ref, typeof(Akka.Event.Error));
    }

    protected string DataDirectory => _dir.Path;

    protected AuditJournal Journal { get; }

    protected JournalLookup Lookup { get; }

    protected PolicyHost Policies { get; }

    protected ManualTimeProvider Clock { get; } = new(T0);

    protected HubLink Hub { get; } = new();

    protected RecordingPublisher Published { get; } = new();

    protected NodeStats Stats { get; } = new();

    protected CommandSender Commands { get; }

    protected LogSink Logs { get; } = new();

    protected AgentSettings Settings(int snapshotEvery = 1000, int redeliveryWindow = 8) =>
        new(Policies, "generic-x64-cpu", redeliveryWindow, snapshotEvery, Clock, Hub, Commands, Lookup, Stats);

    /// <summary>Makes <paramref name="yaml"/> the active policy, as a local policy file would.</summary>
    protected async Task ActivateAsync(string yaml) =>
        (await Policies.OfferAsync(yaml, "site-a.yaml", new PolicySource("file", "/etc/mesh/site-a.yaml"))).ShouldBe(PolicyOfferResult.Activated);

    protected IActorRef StartAgent(AgentSettings settings, AuditJournal? journal = null) =>
        Sys.ActorOf(DeviceAgent.Props(Site, Device, settings, journal ?? Journal));

    protected void Stop(IActorRef agent)
    {
        Watch(agent);
        agent.Tell(PoisonPill.Instance);
        ExpectTerminated(agent, Patience);
    }

    protected static Observation Reading(long seq, DateTimeOffset at, params (string Name, double Value)[] metrics) =>
        new(new SiteId(Site), new DeviceId(Device), seq, at,
            [.. metrics.Select(m => new Metric(m.Name, m.Value)).OrderBy(m => m.Name, StringComparer.Ordinal)]);

    protected static DeviceCommands.Observe Observe(Observation observation) => new(observation, DeviceRun.Digest);

    /// <summary>Sends a reading and waits until its records are durable.</summary>
    protected DeviceReplies.Recorded Decide(IActorRef agent, Observation observation)
    {
        agent.Tell(Observe(observation), TestActor);
        return ExpectMsg<DeviceReplies.Recorded>(Patience);
    }

    /// <summary>Every journal record, in order.</summary>
    protected List<AuditRecord> Records()
    {
        using var c = AuditJournalStore.OpenReader(Journal.Path);
        return AuditJournalStore.ReadAfter(c, 0, 100_000).Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash }).ToList();
    }

    /// <summary>The journal records of the test device, in order.</summary>
    protected List<AuditRecord> DeviceRecords() => Records().Where(r => r.Device == Device).ToList();

    /// <summary>Snapshots the agent's persistence id has in <c>state.db</c>.</summary>
    protected long SnapshotCount()
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, NodePersistence.FileName)};Mode=ReadOnly;Pooling=false");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM snapshot WHERE persistence_id = $id";
        cmd.Parameters.AddWithValue("$id", DeviceAgent.PersistenceIdFor(Site, Device));
        return (long)cmd.ExecuteScalar()!;
    }

    protected override void AfterAll()
    {
        try
        {
            var errors = new List<object>();
            while (_errors.HasMessages)
                errors.Add(_errors.ReceiveOne(TimeSpan.Zero)!);
            errors.ShouldBeEmpty("unexpected error logs from the actor system:\n" + string.Join("\n", errors));
            Logs.ShouldHaveNoErrors();
        }
        finally
        {
            base.AfterAll();
            Lookup.Dispose();
            Journal.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _dir.Dispose();
        }
    }
}
