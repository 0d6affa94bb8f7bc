using Mesh.Cli.Bench;

namespace Mesh.Cli.Chaos.Run;

/// <summary>One node of a chaos run: a <c>mesh node run</c> child whose sync goes through a <see cref="FaultProxy"/> to the hub.</summary>
internal sealed class ChaosNode : IAsyncDisposable
{
    private readonly string[] _args;
    private readonly string _log;
    private ChildProcess _process;

    private ChaosNode(string nodeId, string site, string dataDirectory, int mqttPort, FaultProxy proxy, string[] args, string log)
    {
        NodeId = nodeId;
        Site = site;
        DataDirectory = dataDirectory;
        MqttPort = mqttPort;
        Proxy = proxy;
        _args = args;
        _log = log;
        _process = ChildProcess.StartSelf(log, args);
    }

    public string NodeId { get; }

    public string Site { get; }

    public string DataDirectory { get; }

    public string JournalPath => Path.Combine(DataDirectory, Mesh.Node.Audit.AuditJournalStore.FileName);

    public int MqttPort { get; }

    public FaultProxy Proxy { get; }

    public bool HasExited => _process.HasExited;

    /// <param name="extra">More node settings (the site's devices file).</param>
    public static async Task<ChaosNode> StartAsync(string nodeId, string site, string dataDirectory, int hubPort, params string[] extra)
    {
        Directory.CreateDirectory(dataDirectory);
        var proxy = FaultProxy.Start(hubPort);
        var port = ChildProcess.FreePort();
        string[] args = ["node", "run", $"--Node:NodeId={nodeId}", $"--Node:Site={site}", $"--Node:DataDirectory={dataDirectory}",
            $"--Node:Mqtt:Port={port}", $"--Node:Sync:HubUrl={proxy.Url}", "--Node:Sync:MaxBackoff=00:00:01", "--Logging:LogLevel:Default=Warning", .. extra];
        var node = new ChaosNode(nodeId, site, dataDirectory, port, proxy, args, Path.Combine(dataDirectory, "node.log"));
        await node._process.WaitForPortAsync(port, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return node;
    }

    /// <summary>SIGKILL, then the node again on the same data directory and port; returns the time until it listened again.</summary>
    public async Task<TimeSpan> KillAndRestartAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _process.Dispose();
        _process = ChildProcess.StartSelf(_log, _args);
        await _process.WaitForPortAsync(MqttPort, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Dispose();
        await Proxy.DisposeAsync().ConfigureAwait(false);
    }
}
