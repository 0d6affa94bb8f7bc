using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Node;
using Mesh.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Cli.NodeInstall;

/// <summary>What an installer puts into a new node's configuration file (<c>/etc/mesh/mesh-node.json</c>).</summary>
public sealed record NodeConfigSettings(string NodeId, string Site, string HubUrl, string DataDirectory, string StatusUrl)
{
    public string? Profile { get; init; }

    public int? MqttPort { get; init; }

    /// <summary>A one-time enrollment token: the node's first start asks the hub for its certificate with it.</summary>
    public string? EnrollmentToken { get; init; }

    /// <summary>The site's devices file (<c>Node:Devices:File</c>); null: the node's default, in its data directory.</summary>
    public string? DevicesFile { get; init; }
}

/// <summary>Writes a node's configuration file and reads one back the way the node does.</summary>
public static class NodeConfigFile
{
    public static string Render(NodeConfigSettings s)
    {
        var node = new JsonObject
        {
            ["NodeId"] = s.NodeId,
            ["Site"] = s.Site,
            ["DataDirectory"] = s.DataDirectory,
            ["StatusUrl"] = s.StatusUrl,
            ["Sync"] = new JsonObject { ["HubUrl"] = s.HubUrl },
        };
        if (s.Profile is not null)
            node["Profile"] = s.Profile;
        if (s.MqttPort is { } port)
            node["Mqtt"] = new JsonObject { ["Port"] = port };
        if (s.DevicesFile is not null)
            node["Devices"] = new JsonObject { ["File"] = s.DevicesFile };
        if (s.EnrollmentToken is not null)
            node["Enrollment"] = new JsonObject { ["Token"] = s.EnrollmentToken, ["HubUrl"] = s.HubUrl };
        return new JsonObject { [NodeOptions.Section] = node }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>The node's options from <paramref name="file"/> (and <paramref name="overrides"/>, command-line style), bound
    /// and checked by the node's own host and validator: the node would refuse exactly what this refuses.</summary>
    /// <exception cref="OptionsValidationException">A <c>Node:*</c> setting is invalid; each failure names its key.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON.</exception>
    public static NodeOptions Load(string file, params string[] overrides) => LoadWithEnrollment(file, overrides).Options;

    /// <summary><see cref="Load"/>, and the enrollment token the file sets (<c>Node:Enrollment:Token</c>), if any.</summary>
    public static (NodeOptions Options, string? EnrollmentToken) LoadWithEnrollment(string file, params string[] overrides)
    {
        using var host = NodeHost.Build([$"--{NodeHost.ConfigFileKey}={file}", .. overrides], b => b.Logging.ClearProviders());
        var token = host.Services.GetRequiredService<IConfiguration>()[EnrollmentTokenKey];
        return (host.Services.GetRequiredService<IOptions<NodeOptions>>().Value, string.IsNullOrEmpty(token) ? null : token);
    }

    /// <summary>Where the node looks for its one-time enrollment token (docs/OPERATIONS.md).</summary>
    public const string EnrollmentTokenKey = "Node:Enrollment:Token";
}
