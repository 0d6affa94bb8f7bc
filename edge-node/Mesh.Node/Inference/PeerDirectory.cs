using System.Diagnostics;
using Grpc.Core;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Models;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Inference;

/// <summary>
/// The nodes this node may offload inference to (<c>Node:Inference:Peers</c>). Asks each for its profile, models and
/// load every <c>PeerRefresh</c>; the round trip of that call is the measured network round trip the router uses.
/// A peer that does not answer stays listed (unavailable, with the reason) so routing explains why it lost.
/// </summary>
public sealed class PeerDirectory : BackgroundService
{
    private readonly InferencePeer[] _peers;
    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PeerDirectory> _logger;

    public PeerDirectory(IOptions<NodeOptions> options, TimeProvider time, ILogger<PeerDirectory> logger, Identity.NodeCredentials? credentials = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _peers = _options.Inference.Peers.Select(u => new InferencePeer(u, credentials, problem => InferenceLog.PeerServerRefused(logger, u, problem))).ToArray();
    }

    public IReadOnlyList<InferencePeer> Peers => _peers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_peers.Length == 0)
            return;
        using var timer = new PeriodicTimer(_options.Inference.PeerRefresh, _time);
        do
        {
            await Task.WhenAll(_peers.Select(p => RefreshAsync(p, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Asks every peer now (tests and start-up use it to avoid waiting for the first tick).</summary>
    public Task RefreshAllAsync(CancellationToken ct = default) => Task.WhenAll(_peers.Select(p => RefreshAsync(p, ct)));

    private async Task RefreshAsync(InferencePeer peer, CancellationToken ct)
    {
        try
        {
            var (info, rtt) = await DescribeAsync(peer, ct);
            // The first call to a peer also opens the connection: ask again for a round trip that is only the network.
            if (peer.Info is null)
                (info, rtt) = await DescribeAsync(peer, ct);
            var parsed = ProfileLoader.Parse(info.ProfileYaml, $"profile of {peer.Url}");
            if (parsed.Profile is not { } profile)
            {
                Unreachable(peer, $"advertised an invalid profile: {parsed.Errors[0]}");
                return;
            }
            if (info.Models.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != info.Models.Count)
            {
                Unreachable(peer, "advertised a model name twice");
                return;
            }
            var wasReachable = peer.Reachable;
            var manifests = new Dictionary<string, ModelManifest>(StringComparer.Ordinal);
            foreach (var m in info.Models)
                if (ManifestLoader.Parse(m.ManifestYaml, $"manifest of {m.Name} from {peer.Url}").Manifest is { } manifest && manifest.Name == m.Name)
                    manifests[m.Name] = manifest;
            peer.Publish(new PeerInfo(peer.Url, info.NodeId, info.Site, profile, info.Models.ToDictionary(m => m.Name, StringComparer.Ordinal),
                manifests, info.QueueDepth, rtt, _time.GetUtcNow()));
            if (!wasReachable)
                InferenceLog.PeerDescribed(_logger, peer.Url, info.NodeId, info.Site, profile.Id, string.Join(", ", info.Models.Select(m => $"{m.Name} {m.Version} on {m.Provider}")));
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            Unreachable(peer, $"{ex.StatusCode}: {ex.Status.Detail}");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Whatever one peer does must not stop the node: it is marked unreachable with the reason.
            Unreachable(peer, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<(InferenceNodeInfo Info, double RoundTripMs)> DescribeAsync(InferencePeer peer, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var info = await peer.Client.DescribeAsync(new DescribeRequest { NodeId = _options.NodeId, Site = _options.Site },
            deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
        return (info, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void Unreachable(InferencePeer peer, string reason)
    {
        if (peer.MarkUnreachable(reason))
            InferenceLog.PeerUnreachable(_logger, peer.Url, reason);
    }

    public override void Dispose()
    {
        foreach (var p in _peers)
            p.Dispose();
        base.Dispose();
    }
}
