using Mesh.Cli.Bench;
using Mesh.Node.Audit;

namespace Mesh.Cli.Demo;

/// <summary>A member of the demo's multi-node site: this <c>mesh</c> executable running <c>mesh node run</c> in its own
/// process, so the demo can kill it with SIGKILL and start it again as a supervisor would.</summary>
public sealed class SiteMemberProcess(string nodeId, string site, string dataDirectory, int mqttPort, int clusterPort, string[] settings) : IDisposable
{
    private ChildProcess? _process;

    public string NodeId { get; } = nodeId;

    public string Site { get; } = site;

    public int MqttPort { get; } = mqttPort;

    public int ClusterPort { get; } = clusterPort;

    public string JournalPath => Path.Combine(dataDirectory, AuditJournalStore.FileName);

    public bool Running => _process is not null;

    /// <summary>Whether the member's process is still there (false once it stopped by itself, e.g. downed by its cluster).</summary>
    public bool Alive() => _process is { } p && !p.HasExited;

    /// <summary>The running process's id (for a fault proxy that cuts what it sends).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"{NodeId} is not running");

    public async Task StartAsync()
    {
        Directory.CreateDirectory(dataDirectory);
        _process = ChildProcess.StartSelf(Path.Combine(dataDirectory, "node.log"), [
            "node", "run", $"--Node:NodeId={NodeId}", $"--Node:Site={Site}", $"--Node:DataDirectory={dataDirectory}",
            $"--Node:Mqtt:Port={MqttPort}", $"--Node:Cluster:Port={ClusterPort}", "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Mesh.Node.Ingest=Error", .. settings]);
        await _process.WaitForPortAsync(MqttPort, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <summary>SIGKILL: nothing flushed, nothing handed over.</summary>
    public void Kill()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>The highest sequence in the member's journal (read from the file; the member may be running).</summary>
    public long JournalHead()
    {
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadLast(c)?.Sequence ?? 0;
    }

    /// <summary>Records of <paramref name="kind"/> in the member's journal.</summary>
    public long Count(Mesh.Protocol.Audit.AuditKind kind)
    {
        if (!File.Exists(JournalPath))
            return 0;
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.Count(c, kind);
    }

    /// <summary>Whether this member has taken a device over from <paramref name="nodeId"/>.</summary>
    public bool TookOverFrom(string nodeId)
    {
        if (!File.Exists(JournalPath))
            return false;
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadAllOfKind(c, Mesh.Protocol.Audit.AuditKind.DeviceTakenOver).Any(r => r.Outcome == "from " + nodeId);
    }

    /// <summary>How many members were up in the member's last SiteMembership record (0: none yet).</summary>
    public int MembersUp()
    {
        if (!File.Exists(JournalPath))
            return 0;
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadLastOfKind(c, Mesh.Protocol.Audit.AuditKind.SiteMembership) is { } last
            ? System.Text.Json.JsonDocument.Parse(last.Body).RootElement.GetProperty("members_up").GetArrayLength()
            : 0;
    }

    public void Dispose() => Kill();
}
