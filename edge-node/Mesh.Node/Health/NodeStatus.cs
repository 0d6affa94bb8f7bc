using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Google.Protobuf;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Cluster;
using Mesh.Node.SiteState;
using Mesh.Protocol.Crdt;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Health;

/// <summary>What <c>GET /status</c> of a node answers: its journal and sync, its site cluster as it sees it, the devices
/// whose agents run here, and a digest of its replica of the site state (equal digests: identical CRDT state).</summary>
public sealed record NodeStatus(
    string NodeId,
    string Site,
    long JournalHead,
    long HubAcked,
    long Accepted,
    long Takeovers,
    long Conflicts,
    ClusterStatus? Cluster,
    IReadOnlyList<string> Devices,
    int SiteStateEntries,
    string SiteStateDigest);

/// <summary>The site cluster as one member sees it.</summary>
public sealed record ClusterStatus(string Self, string? Leader, IReadOnlyList<string> MembersUp, IReadOnlyList<string> Unreachable);

/// <summary>Builds <see cref="NodeStatus"/> from the running node.</summary>
public sealed class NodeStatusReader(IOptions<NodeOptions> options, AuditJournal journal, NodeStats stats, SiteStateStore siteState,
    ActorSystem system, IRequiredActor<DeviceManager> devices)
{
    public async Task<NodeStatus> ReadAsync(CancellationToken ct)
    {
        var o = options.Value;
        ClusterStatus? cluster = null;
        IReadOnlyList<string> hosted = [];
        if (o.Cluster.Enabled)
        {
            var c = Akka.Cluster.Cluster.Get(system);
            var state = c.State;
            cluster = new ClusterStatus(MembershipRecorder.NodeIdOf(c.SelfMember), state.Leader is { } l ? state.Members.FirstOrDefault(m => m.Address == l) is { } lm ? MembershipRecorder.NodeIdOf(lm) : l.ToString() : null,
                [.. state.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up).Select(MembershipRecorder.NodeIdOf).Order(StringComparer.Ordinal)],
                [.. state.Unreachable.Select(MembershipRecorder.NodeIdOf).Order(StringComparer.Ordinal)]);
            hosted = await HostedAsync(ct).ConfigureAwait(false);
        }
        var entries = siteState.All();
        return new NodeStatus(o.NodeId, o.Site, journal.Head, stats.HubAcked, stats.Accepted, stats.Takeovers, stats.Conflicts, cluster, hosted,
            entries.Count, Digest(entries));
    }

    /// <summary>The devices whose agents run here; empty while the shard region does not answer (a member that has not
    /// joined its cluster yet), so that the rest of the status still answers.</summary>
    private async Task<IReadOnlyList<string>> HostedAsync(CancellationToken ct)
    {
        try
        {
            var region = await devices.GetAsync(ct).ConfigureAwait(false);
            var shards = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            return [.. shards.Shards.SelectMany(s => s.EntityIds).Select(Uri.UnescapeDataString).Order(StringComparer.Ordinal)];
        }
        catch (AskTimeoutException)
        {
            return [];
        }
    }

    /// <summary>SHA-256 over the entries' encodings in key order: two replicas with the same digest hold the same state.</summary>
    public static string Digest(IReadOnlyList<SiteEntry> entries)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            sha.AppendData(SiteEntryCodec.Encode(e).ToByteArray());
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
