using Mesh.Cli.Chaos;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The <c>mesh-node</c> processes of one multi-node site (Akka.Cluster over loopback), with their ports and journals.</summary>
public sealed class SiteMembers : IDisposable
{
    private readonly TempDirectory _dir;
    private readonly string _site;
    private readonly NodeProcess?[] _processes;

    public SiteMembers(TempDirectory dir, string site, int members)
    {
        _dir = dir;
        _site = site;
        _processes = new NodeProcess?[members];
        MqttPorts = [.. Enumerable.Range(0, members).Select(_ => NodeProcess.FreePort())];
        ClusterPorts = [.. Enumerable.Range(0, members).Select(_ => NodeProcess.FreePort())];
        StatusPorts = [.. Enumerable.Range(0, members).Select(_ => NodeProcess.FreePort())];
    }

    public int[] MqttPorts { get; }

    public int[] ClusterPorts { get; }

    /// <summary>Each member's status endpoint (<c>Node:StatusUrl</c>).</summary>
    public int[] StatusPorts { get; }

    /// <summary>With <see cref="UseProxies"/>: the fault proxy in front of each member's cluster endpoint, which is the
    /// address the other members reach it at (its public port). Cutting one partitions that member from the others.</summary>
    public FaultProxy[] Proxies { get; private set; } = [];

    public void UseProxies() => Proxies = [.. ClusterPorts.Select(FaultProxy.Start)];

    private int PublicPort(int i) => Proxies.Length > 0 ? Proxies[i].Port : ClusterPorts[i];

    public int Count => _processes.Length;

    public string NodeId(int i) => $"{_site}-n{i + 1}";

    public string JournalPath(int i) => Path.Combine(_dir.Sub(NodeId(i)), AuditJournalStore.FileName);

    public NodeProcess? this[int i] => _processes[i];

    /// <summary>Environment of each member's process (e.g. a skewed clock); empty by default.</summary>
    public Dictionary<int, Dictionary<string, string>> Environment { get; } = [];

    /// <summary>Member <paramref name="i"/>'s wall clock runs <paramref name="offset"/> off (libfaketime; monotonic clocks
    /// stay true, so timers and timeouts behave).</summary>
    public void SkewClock(int i, string offset) => Environment[i] = new()
    {
        ["LD_PRELOAD"] = FakeTime.Library, ["FAKETIME"] = offset, ["DONT_FAKE_MONOTONIC"] = "1",
    };

    /// <summary>Starts member <paramref name="i"/>. The first two members are the seeds.</summary>
    public async Task StartAsync(int i, params string[] extra)
    {
        string[] settings =
        [
            $"--Node:NodeId={NodeId(i)}", $"--Node:Site={_site}", $"--Node:DataDirectory={_dir.Sub(NodeId(i))}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Mesh.Node.Ingest=Error", NodeArgs.Anonymous,
            "--Node:Cluster:Enabled=true", $"--Node:Cluster:Port={ClusterPorts[i]}", $"--Node:Cluster:PublicPort={PublicPort(i)}",
            $"--Node:Cluster:Seeds:0=127.0.0.1:{PublicPort(0)}", $"--Node:Cluster:Seeds:1=127.0.0.1:{PublicPort(1)}",
            $"--Node:StatusUrl=http://127.0.0.1:{StatusPorts[i]}",
            "--Node:Cluster:FailureDetectionPause=00:00:02", "--Node:Cluster:StableAfter=00:00:03",
            .. extra,
        ];
        _processes[i] = await NodeProcess.StartAsync(MqttPorts[i], Environment.GetValueOrDefault(i) ?? [], settings);
    }

    public async Task StartAllAsync(params string[] extra)
    {
        await StartAsync(0, extra);
        await Task.WhenAll(Enumerable.Range(1, Count - 1).Select(i => StartAsync(i, extra)));
    }

    /// <summary>Publishes cool readings of probe devices on the first member's broker until every member has decided one:
    /// the cluster has formed and shards are placed on every member.</summary>
    public async Task WaitUntilEveryMemberDecidesAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var seq = 1L; ; seq++)
        {
            try
            {
                // A reading may wait while the cluster forms: the probe gives up on it (a fresh connection next round).
                await using var probe = await TestDevice.ConnectAsync(MqttPorts[0], "site-probe");
                using var round = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Task.WhenAll(Enumerable.Range(0, 8).Select(d => probe.PublishAsync(Readings.Telemetry(_site, $"probe-{d}"), Readings.Temperature(seq, 20))))
                    .WaitAsync(round.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
            {
            }
            if (Journals().All(j => j.Any(r => r.Kind == AuditKind.Observation && r.Device.StartsWith("probe-", StringComparison.Ordinal))))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not every member of {_site} decided a reading within {timeout.TotalSeconds:0} s\n{Output}");
        }
    }

    /// <summary>Whether member <paramref name="i"/>'s process has ended by itself (a member the cluster downed stops).</summary>
    public bool Exited(int i) => _processes[i] is { HasExited: true };

    /// <summary>SIGKILL of member <paramref name="i"/>.</summary>
    public void Kill(int i)
    {
        _processes[i]?.Kill();
        _processes[i]?.Dispose();
        _processes[i] = null;
    }

    /// <summary>Every record of every member's journal, by member.</summary>
    public List<AuditRecord>[] Journals() => [.. Enumerable.Range(0, Count).Select(i => File.Exists(JournalPath(i)) ? JournalFile.ReadAll(JournalPath(i)) : [])];

    public string Output => string.Join("\n", _processes.Select((p, i) => $"--- {NodeId(i)}:\n{p?.Output ?? "(not running)"}"));

    /// <summary>Member <paramref name="i"/>'s <c>/status</c>, or null when it does not answer.</summary>
    public async Task<System.Text.Json.JsonElement?> StatusAsync(int i)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var text = await http.GetStringAsync($"http://127.0.0.1:{StatusPorts[i]}/status");
            return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var p in _processes)
            p?.Dispose();
        foreach (var proxy in Proxies)
            proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
