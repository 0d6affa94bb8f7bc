using Mesh.Node.Audit;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>A real mesh-node process with its embedded broker, data directory and identity.</summary>
public sealed class RunningNode : IAsyncDisposable
{
    private bool _disposed;

    private RunningNode(NodeProcess process, string nodeId, string site, string dataDirectory, int mqttPort, string[] settings)
    {
        Process = process;
        NodeId = nodeId;
        Site = site;
        DataDirectory = dataDirectory;
        MqttPort = mqttPort;
        Settings = settings;
    }

    public NodeProcess Process { get; private set; }

    public string NodeId { get; }

    public string Site { get; }

    public string DataDirectory { get; }

    public int MqttPort { get; }

    public string[] Settings { get; }

    public string JournalPath => Path.Combine(DataDirectory, AuditJournalStore.FileName);

    public static async Task<RunningNode> StartAsync(string nodeId, string site, string dataDirectory, string hubUrl, params string[] extra)
    {
        var port = NodeProcess.FreePort();
        var settings = NodeArgs.For(nodeId, site, dataDirectory, hubUrl, extra);
        return new RunningNode(await NodeProcess.StartAsync(port, settings), nodeId, site, dataDirectory, port, settings);
    }

    /// <summary>SIGKILL, then the same executable again on the same data directory and port.</summary>
    public async Task KillAndRestartAsync()
    {
        Process.Kill();
        Process.Dispose();
        Process = await NodeProcess.StartAsync(MqttPort, Settings);
    }

    /// <summary>A device connected to the node's broker, subscribed to its own command topic.</summary>
    public async Task<TestDevice> DeviceAsync(string device)
    {
        var d = await TestDevice.ConnectAsync(MqttPort, device);
        await d.SubscribeAsync(Readings.Command(Site, device));
        return d;
    }

    /// <summary>Kills the process; safe to call more than once.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Process.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
