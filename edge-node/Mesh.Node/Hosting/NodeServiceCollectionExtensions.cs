using Akka.Actor;
using Akka.Hosting;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Control;
using Mesh.Node.Policy;
using Mesh.Node.Inference;
using Mesh.Node.Ingest;
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
        services.AddSingleton(sp =>
        {
            var o = Options(sp);
            Directory.CreateDirectory(o.DataDirectory);
            return new AuditJournal(Path.Combine(o.DataDirectory, AuditJournalStore.FileName), o.NodeId, o.Site,
                sp.GetRequiredService<HybridLogicalClock>(), o.Journal, sp.GetRequiredService<ILogger<AuditJournal>>());
        });
        services.AddSingleton<HubChannel>();
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
            };
        });

        services.AddAkka("mesh-node", (builder, sp) =>
        {
            var o = Options(sp);
            builder
                .ConfigureLoggers(l =>
                {
                    l.LogLevel = Akka.Event.LogLevel.WarningLevel;
                    l.ClearLoggers();
                    l.AddLoggerFactory();
                })
                .AddHocon(NodePersistence.Config(o.DataDirectory), HoconAddMode.Prepend)
                .WithActors((system, registry, resolver) =>
                {
                    var devices = system.ActorOf(DeviceManager.Props(resolver.GetService<AgentSettings>(), resolver.GetService<AuditJournal>()), "devices");
                    registry.Register<DeviceManager>(devices);
                    // Agents with approvals open start now, so their deadlines run even if the device stays silent.
                    foreach (var device in resolver.GetService<JournalLookup>().DevicesWithPendingApprovals())
                        devices.Tell(new DeviceCommands.Wake(o.Site, device));
                });
        });

        services.AddSingleton<LocalPolicyFile>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalPolicyFile>());
        services.AddSingleton<LocalApprovals>();
        services.AddSingleton<IngestPipeline>();
        var configured = configuration.GetSection(NodeOptions.Section).Get<NodeOptions>();
        if ((configured?.Mqtt.Mode ?? MqttMode.Embedded) == MqttMode.Embedded)
        {
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
        services.AddSingleton<NodeControlClient>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeControlClient>());
        return services;
    }

    private static NodeOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<NodeOptions>>().Value;
}
