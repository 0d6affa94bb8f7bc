using Mesh.Node.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Node.Hosting;

/// <summary>Builds a node as a generic host: the <c>mesh-node</c> executable, <c>mesh demo</c> and tests all use this.</summary>
public static class NodeHost
{
    /// <param name="args">Command-line configuration, e.g. <c>--Node:NodeId=edge-1 --Node:Site=site-a</c>.</param>
    /// <param name="configure">Extra service registrations (logging filters, for example).</param>
    public static IHost Build(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddMeshNode(builder.Configuration);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The port the embedded broker listens on, once started (null with an external broker).</summary>
    public static int? MqttPort(this IHost host) =>
        host.Services.GetService<EmbeddedBroker>() is { Port: > 0 } broker ? broker.Port : null;
}
