using Mesh.Node.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Mesh.Node.Hosting;

/// <summary>Builds a node as a generic host: the <c>mesh-node</c> executable, <c>mesh demo</c> and tests all use this.</summary>
public static class NodeHost
{
    /// <summary>The command-line key naming a site configuration file (<c>--config /etc/mesh/mesh-node.json</c>), read after
    /// <c>appsettings.json</c> and before environment variables and other command-line keys: an installed node keeps its
    /// configuration apart from its release folder, so that an upgrade replaces the binaries and never the settings.</summary>
    public const string ConfigFileKey = "config";

    /// <param name="args">Command-line configuration, e.g. <c>--Node:NodeId=edge-1 --Node:Site=site-a</c>.</param>
    /// <param name="configure">Extra service registrations (logging filters, for example).</param>
    public static IHost Build(string[] args, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddConfigFile(builder.Configuration);
        builder.Services.AddMeshNode(builder.Configuration);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Adds the file named by <see cref="ConfigFileKey"/>, if any, right after the JSON sources already there.</summary>
    public static void AddConfigFile(IConfigurationManager configuration)
    {
        var file = configuration[ConfigFileKey];
        if (string.IsNullOrEmpty(file))
            return;
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"--{ConfigFileKey}: the configuration file '{path}' does not exist", path);
        var source = new JsonConfigurationSource
        {
            Path = Path.GetFileName(path),
            Optional = false,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!),
        };
        var sources = configuration.Sources;
        var lastJson = -1;
        for (var i = 0; i < sources.Count; i++)
            if (sources[i] is JsonConfigurationSource)
                lastJson = i;
        sources.Insert(lastJson + 1, source);
    }

    /// <summary>The port the embedded broker listens on, once started (null with an external broker).</summary>
    public static int? MqttPort(this IHost host) =>
        host.Services.GetService<EmbeddedBroker>() is { Port: > 0 } broker ? broker.Port : null;
}
