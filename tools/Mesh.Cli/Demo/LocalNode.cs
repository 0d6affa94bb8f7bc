using Mesh.Node;
using Mesh.Node.Audit;
using Mesh.Node.Hosting;
using Mesh.Node.Policy;
using Mesh.Node.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Demo;

/// <summary>A node started in this process, with its embedded broker on a loopback port.</summary>
public sealed class LocalNode : IAsyncDisposable
{
    private LocalNode(IHost host, string nodeId, string site, string dataDirectory, RecentLog log)
    {
        Host = host;
        Log = log;
        NodeId = nodeId;
        Site = site;
        DataDirectory = dataDirectory;
    }

    public IHost Host { get; }

    /// <summary>What the node logged lately (at the level it logs at).</summary>
    public RecentLog Log { get; }

    public string NodeId { get; }

    public string Site { get; }

    public string DataDirectory { get; }

    /// <summary>The embedded broker's port (0 when the node uses an external broker).</summary>
    public int MqttPort => Host.MqttPort() ?? 0;

    public NodeStats Stats => Host.Services.GetRequiredService<NodeStats>();

    public AuditJournal Journal => Host.Services.GetRequiredService<AuditJournal>();

    public AuditSyncService Sync => Host.Services.GetRequiredService<AuditSyncService>();

    public string JournalPath => Journal.Path;

    public PolicyHost Policies => Host.Services.GetRequiredService<PolicyHost>();

    /// <summary>Waits until the node runs a policy of at least <paramref name="version"/> from a file or the hub; false at the deadline.</summary>
    public async Task<bool> WaitForPolicyAsync(long version, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Runs(version))
                return true;
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
        return Runs(version);
    }

    private bool Runs(long version) =>
        Policies.Current is { } p && p.Source.Kind != PolicySource.BuiltIn.Kind && p.Policy.Version >= version;

    /// <param name="hubUrl">Null or empty: no sync.</param>
    /// <param name="extraArgs">More configuration keys, e.g. <c>--Node:Mqtt:Mode=External</c>.</param>
    public static async Task<LocalNode> StartAsync(string nodeId, string site, string dataDirectory, string? hubUrl,
        int mqttPort = 0, LogLevel logLevel = LogLevel.Warning, params string[] extraArgs)
    {
        string[] args =
        [
            $"--Node:NodeId={nodeId}",
            $"--Node:Site={site}",
            $"--Node:DataDirectory={dataDirectory}",
            $"--Node:Mqtt:Port={mqttPort}",
            $"--Node:Sync:HubUrl={hubUrl ?? ""}",
            $"--Logging:LogLevel:Default={logLevel}",
            .. extraArgs,
        ];
        var log = new RecentLog();
        var host = NodeHost.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            builder.Logging.AddProvider(log);
            builder.Logging.SetMinimumLevel(logLevel);
        });
        await host.StartAsync().ConfigureAwait(false);
        return new LocalNode(host, nodeId, site, dataDirectory, log);
    }

    /// <summary>Signs the journal's tail (a checkpoint), then waits until the hub has acknowledged everything in the
    /// journal; false at the deadline. Signing first means no timed checkpoint follows while the node is idle, so the
    /// journal and the hub stay equal for what is compared next.</summary>
    public async Task<bool> WaitForSyncAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        await Journal.CheckpointNowAsync().WaitAsync(timeout, ct).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Sync.Acked == Journal.Head)
                return true;
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
        return Sync.Acked == Journal.Head;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync().ConfigureAwait(false);
        if (Host is IAsyncDisposable async)
            await async.DisposeAsync().ConfigureAwait(false);
        else
            Host.Dispose();
    }
}
