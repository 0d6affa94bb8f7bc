using Mesh.Hub;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Demo;

/// <summary>A hub started in this process on a loopback port (the demo, the benchmark and end-to-end tests use it).</summary>
public sealed class LocalHub : IAsyncDisposable
{
    private LocalHub(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Http = HubApp.CreateHttpClient(address);
    }

    public WebApplication App { get; }

    /// <summary>gRPC and JSON API address (HTTP/2 cleartext).</summary>
    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <param name="port">0 picks a free port.</param>
    /// <param name="extraArgs">More configuration keys, e.g. <c>--Hub:Nats:Url=nats://127.0.0.1:4222</c>.</param>
    public static async Task<LocalHub> StartAsync(string dataDirectory, int port = 0, LogLevel logLevel = LogLevel.Warning, params string[] extraArgs)
    {
        Directory.CreateDirectory(dataDirectory);
        var app = HubApp.Build(
            [$"--Hub:Url=http://127.0.0.1:{port}", $"--Hub:DataPath={Path.Combine(dataDirectory, "hub.db")}", $"--Logging:LogLevel:Default={logLevel}", .. extraArgs],
            builder => builder.Logging.SetMinimumLevel(logLevel));
        await app.StartAsync().ConfigureAwait(false);
        return new LocalHub(app, HubApp.GetBoundAddress(app));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
