using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Inference;

/// <summary>
/// Serves <see cref="InferenceService"/> on <c>Node:Inference:ServeUrl</c> (HTTP/2 without TLS on loopback; mutual
/// TLS arrives with enrollment, and this is where it plugs in). A small Kestrel host of its own, so a node that
/// serves nothing opens no port.
/// </summary>
public sealed class InferenceServer(IOptions<NodeOptions> options, LocalInference local, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Inference.ServeUrl.Length == 0)
            return;
        var uri = new Uri(o.Inference.ServeUrl);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(local);
        builder.Services.AddSingleton(o);
        builder.Services.AddGrpc(g =>
        {
            g.MaxReceiveMessageSize = 1024 * 1024;
            g.EnableDetailedErrors = false;
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Parse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host), uri.Port,
            l => l.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.MapGrpcService<InferenceService>();
        await _app.StartAsync(cancellationToken);
        InferenceLog.Serving(loggers.CreateLogger<InferenceServer>(), o.Inference.ServeUrl);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
            await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
