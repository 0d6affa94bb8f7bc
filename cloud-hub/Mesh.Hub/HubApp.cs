using System.Net;
using Grpc.AspNetCore.Server.Model;
using Mesh.Hub.Access;
using Mesh.Hub.AuditConsole;
using Mesh.Hub.Api;
using Mesh.Hub.Approvals;
using Mesh.Hub.Control;
using Mesh.Hub.Enrollment;
using Mesh.Hub.Gossip;
using Mesh.Hub.Hosting;
using Mesh.Hub.Policies;
using Mesh.Hub.Storage;
using Mesh.Hub.Sync;
using Mesh.Hub.Sync.Nats;
using Mesh.Hub.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mesh.Hub;

/// <summary>
/// Builds the hub: Kestrel on one loopback port serving gRPC (<c>AuditSync</c>, <c>NodeControl</c>) and the JSON API over HTTP/2
/// cleartext (prior knowledge), plus, when <see cref="HubOptions.ApiUrl"/> is set, the JSON API over HTTP/1.1
/// on a second port. <c>mesh-hub</c>, <c>mesh demo</c> and the tests all start it here.
/// </summary>
public static class HubApp
{
    /// <summary>Lowest-priority configuration: appsettings, environment and arguments all override it.</summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
        // The session keys are kept unencrypted beside the database on purpose (docs/ACCESS.md); do not warn about it.
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
    };

    /// <summary>Builds the hub from normal configuration arguments, e.g.
    /// <c>--Hub:Url=http://127.0.0.1:0 --Hub:DataPath=/tmp/hub.db</c>. Opens the database and validates
    /// <see cref="HubOptions"/> before returning; either failing throws.</summary>
    /// <exception cref="OptionsValidationException">A <c>Hub:*</c> setting is invalid; the message names the key.</exception>
    /// <exception cref="HubStorageException">The database cannot be opened or created.</exception>
    public static WebApplication Build(string[] args) => Build(args, configure: null);

    /// <param name="configure">Runs last before the app is built: add logging providers, replace services.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(HubApp).Assembly.GetName().Name,
        });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        builder.Services.AddOptions<HubOptions>().Bind(builder.Configuration.GetSection(HubOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HubOptions>, HubOptionsValidator>();
        builder.Services.AddSingleton<HubEndpoints>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ApplicationServices.GetRequiredService<HubEndpoints>().Configure(kestrel));
        builder.Services.AddGrpc();
        builder.Services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<HubOptions>>((grpc, hub) => grpc.MaxReceiveMessageSize = hub.Value.MaxReceiveMessageBytes);
        // Enrollment, Watch and Exchange read their request in hub code, so that bad bytes are refused with a named reason.
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<Mesh.Protocol.Grpc.OwnReadMethods>>();
            return new Mesh.Protocol.Grpc.OwnReadMethods(sp.GetRequiredService<IOptions<HubOptions>>().Value.MaxReceiveMessageBytes,
                "Hub:MaxReceiveMessageBytes", (method, problem, reason) => HubLog.NodeCallRefused(logger, method, problem, reason));
        });
        builder.Services.AddSingleton<IServiceMethodProvider<EnrollmentService>, EnrollmentService.Methods>();
        builder.Services.AddSingleton<IServiceMethodProvider<NodeControlService>, NodeControlService.Methods>();
        builder.Services.AddSingleton<IServiceMethodProvider<SiteGossipService>, SiteGossipService.Methods>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<HubStore>();
        builder.Services.AddSingleton<NodeLeases>();
        builder.Services.AddSingleton<SyncAdmission>();
        builder.Services.AddSingleton<AuditIngest>();
        builder.Services.AddSingleton<ControlBroadcast>();
        builder.Services.AddSingleton<PolicyDesk>();
        builder.Services.AddSingleton<ApprovalDesk>();
        builder.Services.AddSingleton<HubCertificateAuthority>();
        builder.Services.AddSingleton<NodeGate>();
        builder.Services.AddSingleton<EnrollmentDesk>();
        builder.Services.AddHostedService<RevocationRefresh>();
        builder.Services.AddAuditConsole();
        builder.Services.AddHostedService<NatsAuditConsumer>();
        builder.Services.AddHostedService<NatsGossipConsumer>();
        builder.AddHubAccess();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("mesh-hub"))
            .WithMetrics(metrics => metrics
                .AddMeter(HubTelemetry.Name, "System.Runtime", "Microsoft.AspNetCore.Hosting")
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        configure?.Invoke(builder);

        var app = builder.Build();
        try
        {
            _ = app.Services.GetRequiredService<IOptions<HubOptions>>().Value;
            _ = app.Services.GetRequiredService<HubStore>();
            _ = app.Services.GetRequiredService<HubCertificateAuthority>();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }
        app.UseHubAccess();
        // Node-facing: nodes are not users; they authenticate with mutual TLS (NodeGate, docs/SECURITY.md).
        app.MapGrpcService<EnrollmentService>().AllowAnonymous().WithMetadata(NodeFacingMetadata.Instance);
        app.MapGrpcService<AuditSyncService>().AllowAnonymous().WithMetadata(NodeFacingMetadata.Instance);
        app.MapGrpcService<NodeControlService>().AllowAnonymous().WithMetadata(NodeFacingMetadata.Instance);
        app.MapGrpcService<SiteGossipService>().AllowAnonymous().WithMetadata(NodeFacingMetadata.Instance);
        app.MapAccessEndpoints();
        app.MapNodeApi();
        app.MapSyncStatusApi();
        app.MapPolicyApi();
        app.MapApprovalApi();
        app.MapHubActionApi();
        app.MapEnrollmentApi();
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        // Fleet size, node activity and refusals are for the hub's users: Prometheus scrapes with a viewer token.
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata(["GET"])).RequireAuthorization(AccessPolicies.Viewer);
        // Razor component endpoints carry antiforgery metadata; the check itself is AccessSetup's, which runs first.
        app.UseAntiforgery();
        app.MapAuditConsole();
        var tracked = HubTelemetry.Track(app.Services.GetRequiredService<SyncAdmission>());
        app.Lifetime.ApplicationStopped.Register(tracked.Dispose);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubApp));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            HubLog.Listening(logger, GetBoundAddress(app).ToString(), GetApiAddress(app)?.ToString() ?? "(none)");
            var ca = app.Services.GetRequiredService<HubCertificateAuthority>();
            EnrollmentLog.CaReady(logger, ca.CertificatePath, ca.Fingerprint, GetNodeAddress(app)?.ToString() ?? "(none)");
        });
        return app;
    }

    /// <summary>The address gRPC and the HTTP/2 JSON API actually listen on, e.g. <c>http://127.0.0.1:53211/</c>
    /// when port 0 was configured. Valid after <c>StartAsync</c>.</summary>
    /// <exception cref="InvalidOperationException">The hub has not started.</exception>
    public static Uri GetBoundAddress(WebApplication app) => app.Services.GetRequiredService<HubEndpoints>().Main;

    /// <summary>The address of the HTTP/1.1 JSON API after <c>StartAsync</c>; null when <c>Hub:ApiUrl</c> is not set.</summary>
    public static Uri? GetApiAddress(WebApplication app) => app.Services.GetRequiredService<HubEndpoints>().Api;

    /// <summary>The address of the mutual-TLS endpoint for nodes (<c>https://…</c>) after <c>StartAsync</c>; null when
    /// <c>Hub:Enrollment:Url</c> is empty.</summary>
    public static Uri? GetNodeAddress(WebApplication app) => app.Services.GetRequiredService<HubEndpoints>().Nodes;

    /// <summary>An <see cref="HttpClient"/> for the JSON API on the main address: HTTP/2 prior knowledge, as
    /// that port speaks nothing else. The caller owns (disposes) it.</summary>
    public static HttpClient CreateHttpClient(Uri address) => new()
    {
        BaseAddress = address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
