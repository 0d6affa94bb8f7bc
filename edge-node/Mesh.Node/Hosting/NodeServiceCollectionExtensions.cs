using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.DistributedData;
using Akka.Hosting;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Cluster;
using Mesh.Node.Control;
using Mesh.Node.Policy;
using Mesh.Node.Inference;
using Mesh.Node.Ingest;
using Mesh.Node.SiteState;
using Mesh.Node.Sync;
using Mesh.Protocol.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Hosting;

public static class NodeServiceCollectionExtensions
{
    /// <summary>Registers the whole node runtime, configured from the <c>Node</c> section.</summary>
    public static IServiceCollection AddMeshNode(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeOptions>()
            .Bind(configuration.GetSection(NodeOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<NodeStats>();
        services.AddSingleton(sp => new HybridLogicalClock(Options(sp).NodeId, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => Mesh.Node.Identity.NodeKey.LoadOrCreate(Options(sp).DataDirectory));
        services.AddSingleton(sp => JournalOpener.Open(sp, Options(sp)));
        services.AddSingleton(sp => new SiteStateStore(Options(sp).NodeId, sp.GetRequiredService<HybridLogicalClock>()));
        services.AddSingleton(sp => new Identity.NodeCredentials(Options(sp).DataDirectory, Options(sp).NodeId, Options(sp).Site));
        services.AddSingleton(sp => new HubChannel(sp.GetRequiredService<IOptions<NodeOptions>>(), sp.GetRequiredService<Identity.NodeCredentials>(),
            sp.GetRequiredService<ILogger<HubChannel>>()));
        services.AddHostedService<Identity.NodeEnrollmentService>();
        services.AddSingleton<HubLink>();
        services.AddSingleton<CommandSender>();
        services.AddSingleton<JournalLookup>();
        services.AddSingleton(sp =>
        {
            var o = Options(sp);
            var attributes = o.DeviceAttributes.ToDictionary(d => d.Key, d => (IReadOnlyDictionary<string, string>)d.Value, StringComparer.Ordinal);
            return new PolicyHost(o.Site, BuiltInPolicy.For(o.Site, o.EffectiveRules), attributes,
                sp.GetRequiredService<AuditJournal>(), sp.GetRequiredService<JournalLookup>(), sp.GetRequiredService<ILogger<PolicyHost>>());
        });
        services.AddMeshInference();
        services.AddSingleton(sp =>
        {
            var o = Options(sp);
            return new AgentSettings(sp.GetRequiredService<PolicyHost>(), o.Profile, o.Journal.RedeliveryWindow, o.Journal.SnapshotEvery,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<HubLink>(), sp.GetRequiredService<CommandSender>(),
                sp.GetRequiredService<JournalLookup>(), sp.GetRequiredService<NodeStats>())
            {
                Inference = sp.GetRequiredService<InferenceCoordinator>(),
                Shared = sp.GetRequiredService<SiteStateStore>(),
            };
        });

        services.AddAkka(SystemName, (builder, sp) =>
        {
            var o = Options(sp);
            builder
                .ConfigureLoggers(l =>
                {
                    l.LogLevel = Akka.Event.LogLevel.WarningLevel;
                    l.ClearLoggers();
                    l.AddLoggerFactory();
                })
                .AddHocon(NodePersistence.Config(o.DataDirectory), HoconAddMode.Prepend);
            if (o.Cluster.Enabled)
                builder.AddHocon(SiteClusterConfig.For(o.Cluster, SystemName, o.NodeId), HoconAddMode.Prepend);
            builder.WithActors((system, registry, resolver) =>
            {
                var devices = o.Cluster.Enabled
                    ? StartDeviceShards(system, o, resolver.GetService<AgentSettings>(), resolver.GetService<AuditJournal>(), resolver.GetService<HybridLogicalClock>())
                    : system.ActorOf(DeviceManager.Props(resolver.GetService<AgentSettings>(), resolver.GetService<AuditJournal>()), "devices");
                registry.Register<DeviceManager>(devices);
                if (o.Cluster.Enabled)
                {
                    system.ActorOf(SiteStateBridge.Props(resolver.GetService<SiteStateStore>(), DistributedData.Get(system).Replicator), "site-state");
                    system.ActorOf(MembershipRecorder.Props(resolver.GetService<AuditJournal>(), resolver.GetService<MemberRemovals>()), "membership");
                    if (o.Mqtt.Mode == MqttMode.Embedded)
                    {
                        // Devices are on the members' own brokers: commands an owner sends reach them through every member.
                        var mediator = DistributedPubSub.Get(system).Mediator;
                        var commands = resolver.GetService<CommandSender>();
                        system.ActorOf(CommandRelay.Props(commands, mediator), "command-relay");
                        CommandRelay.Attach(commands, mediator);
                    }
                }
                // Agents with approvals open start now, so their deadlines run even if the device stays silent.
                foreach (var device in resolver.GetService<JournalLookup>().DevicesWithPendingApprovals())
                    devices.Tell(new DeviceCommands.Wake(o.Site, device));
            });
        });

        services.AddSingleton<LocalPolicyFile>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalPolicyFile>());
        services.AddHostedService<Telemetry.NodeTelemetryRegistration>();
        Telemetry.NodeTracing.AddNodeTracing(services, configuration.GetSection(NodeOptions.Section).Get<NodeOptions>());
        services.AddSingleton<LocalApprovals>();
        services.AddSingleton<MemberRemovals>();
        services.AddSingleton<IngestPipeline>();
        var configured = configuration.GetSection(NodeOptions.Section).Get<NodeOptions>();
        if ((configured?.Mqtt.Mode ?? MqttMode.Embedded) == MqttMode.Embedded)
        {
            // The device list is read before the broker starts taking connections.
            services.AddSingleton<Devices.DeviceRegistry>();
            services.AddHostedService(sp => sp.GetRequiredService<Devices.DeviceRegistry>());
            services.AddSingleton<Devices.BrokerAccess>();
            services.AddSingleton<Devices.AccessRefusals>();
            services.AddSingleton<EmbeddedBroker>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }
        else
        {
            services.AddSingleton<ExternalBrokerSubscriber>();
            services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerSubscriber>());
        }
        if ((configured?.Sync.Transport ?? SyncTransport.Grpc) == SyncTransport.Nats)
        {
            services.AddSingleton<NatsAuditPublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<NatsAuditPublisher>());
        }
        else
        {
            services.AddSingleton<AuditSyncService>();
            services.AddHostedService(sp => sp.GetRequiredService<AuditSyncService>());
        }
        services.AddSingleton<ConflictWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ConflictWatcher>());
        if ((configured?.Sync.Transport ?? SyncTransport.Grpc) == SyncTransport.Nats)
        {
            services.AddSingleton<NatsSiteGossip>();
            services.AddHostedService(sp => sp.GetRequiredService<NatsSiteGossip>());
        }
        else
        {
            services.AddSingleton<SiteGossipClient>();
            services.AddHostedService(sp => sp.GetRequiredService<SiteGossipClient>());
        }
        services.AddSingleton<Health.NodeStatusReader>();
        services.AddHostedService<Health.StatusServer>();
        services.AddSingleton<NodeControlClient>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeControlClient>());
        return services;
    }

    /// <summary>The actor system's name: the same on every member of a site (cluster addresses include it).</summary>
    public const string SystemName = "mesh-node";

    /// <summary>A site member's device agents: Cluster Sharding spreads them over the members and moves them when a
    /// member leaves or dies; each replicates its state through Distributed Data (see <see cref="DeviceAgent"/>).</summary>
    private static IActorRef StartDeviceShards(ActorSystem system, NodeOptions o, AgentSettings agents, AuditJournal journal, HybridLogicalClock clock)
    {
        var replicas = new DistributedDeviceReplicas(DistributedData.Get(system).Replicator, o.Cluster.ReplicaTimeout);
        var settings = agents with { Site = new SiteReplication(replicas, clock) };
        var sharding = ClusterSharding.Get(system);
        var shardSettings = ClusterShardingSettings.Create(system);
        return sharding.Start(DeviceShards.TypeName, device => DeviceAgent.Props(o.Site, device, settings, journal), shardSettings,
            new DeviceShards(o.Cluster.Shards), sharding.DefaultShardAllocationStrategy(shardSettings), DeviceAgent.HandOff.Instance);
    }

    private static NodeOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<NodeOptions>>().Value;
}
