using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mesh.Node.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Mesh.Node.Health;

/// <summary>
/// The node's status endpoint on <c>Node:StatusUrl</c> (HTTP/1.1; off when empty): <c>/healthz</c> answers <c>ok</c>
/// while the node runs, <c>/status</c> the JSON of <see cref="NodeStatus"/>, <c>/metrics</c> the node's and the .NET
/// runtime's metrics in Prometheus text format (OpenTelemetry's exporter). A small Kestrel host of its own, so a node
/// without it opens no port and collects no metrics.
/// </summary>
public sealed partial class StatusServer(IOptions<NodeOptions> options, IServiceProvider services, ILogger<StatusServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.StatusUrl;
        if (url.Length == 0)
            return;
        var uri = new Uri(url);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Parse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host), uri.Port,
            l => l.Protocols = HttpProtocols.Http1));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("mesh-node", serviceInstanceId: options.Value.NodeId))
            .WithMetrics(metrics => metrics
            .AddMeter(NodeTelemetry.Name, "System.Runtime")
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        _app = builder.Build();
        _app.MapPrometheusScrapingEndpoint("/metrics");
        _app.MapGet("/healthz", () => Results.Text("ok"));
        _app.MapGet("/status", async (CancellationToken ct) => Results.Json(await services.GetRequiredService<NodeStatusReader>().ReadAsync(ct).ConfigureAwait(false),
            NodeStatusJson.Default.NodeStatus));
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        Serving(logger, url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "Status endpoint on {Url} (/healthz, /status, /metrics)")]
    private static partial void Serving(ILogger logger, string url);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(NodeStatus))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class NodeStatusJson : System.Text.Json.Serialization.JsonSerializerContext;
