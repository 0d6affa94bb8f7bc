using System.Diagnostics;
using Grpc.Core;
using Mesh.Inference.Runtime;
using Mesh.Node.Routing;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Models;
using Mesh.Protocol.Profiles;

namespace Mesh.Node.Inference;

public sealed partial class InferenceCoordinator
{
    /// <param name="LatencyMicros">End to end, as the reading waited for it.</param>
    /// <param name="ServiceMicros">The part the target itself spent (queue and run); for a remote target the rest is the network,
    /// which the router adds separately as the round trip, so the service average must not count it twice.</param>
    private readonly record struct TargetResult(double Score, string Version, long LatencyMicros, long ServiceMicros);

    /// <summary>A target failed to give a result; the router routes around it. <see cref="CountsAgainstTarget"/> is
    /// false when the target refused this one request (it does not serve the model, or judged the input invalid):
    /// that says nothing about its health, so its breaker does not count it.</summary>
    private sealed class TargetException(string message, TargetFailure failure, bool countsAgainstTarget = true) : Exception(message)
    {
        public TargetFailure Failure { get; } = failure;

        public bool CountsAgainstTarget { get; } = countsAgainstTarget;
    }

    /// <summary>Every target that could run <paramref name="manifest"/>'s model: this node's session and each peer
    /// that serves the model, with their priors, round trip and cost. Ids: <c>local:&lt;node&gt;/&lt;provider&gt;</c>,
    /// <c>peer:…</c> (same site), <c>cloud:…</c>.</summary>
    private List<RouteCandidate> Candidates(ModelManifest manifest, HashSet<string> excluded)
    {
        var list = new List<RouteCandidate>(1 + peers.Peers.Count);
        if (local.Find(manifest.Name) is { Batcher: not null } mine)
        {
            var target = new RouteTarget($"local:{options.NodeId}/{mine.Provider}", TargetKind.Local, options.NodeId, local.Profile.Id, mine.Provider, false);
            var prior = Prior(local.Profile, manifest, mine.Provider);
            list.Add(new RouteCandidate(target, prior?.P50Ms ?? 0, prior?.P99Ms ?? 0, 0, local.Profile.CostPerInferenceUsd,
                prior is not null && !excluded.Contains(target.Id), local.MaxBatch));
        }
        foreach (var peer in peers.Peers)
        {
            // Only the very model this node builds rows for: a peer serving another version (another file) may read
            // its columns differently, even with the same width.
            if (peer.Info is not { } info || !info.Models.TryGetValue(manifest.Name, out var served) || served.Sha256 != manifest.Sha256)
                continue;
            // A cloud node is off the site whatever site it names; so is a peer of another site.
            var cloud = info.Profile.Location == ProfileLocation.Cloud || info.Site != options.Site;
            var kind = cloud ? TargetKind.Cloud : TargetKind.SitePeer;
            var target = new RouteTarget($"{(cloud ? "cloud" : "peer")}:{info.NodeId}/{served.Provider}", kind, info.NodeId, info.Profile.Id,
                served.Provider, OffSite: cloud);
            var prior = Prior(info.Profile, manifest, served.Provider);
            list.Add(new RouteCandidate(target, prior?.P50Ms ?? 0, prior?.P99Ms ?? 0, info.RoundTripMs, info.Profile.CostPerInferenceUsd,
                peer.Reachable && prior is not null && !excluded.Contains(target.Id), 8));
        }
        return list;
    }

    /// <summary>The hardware's prior for the model on the provider, else the manifest's; null when neither has one
    /// (the target is then not a candidate: the router cannot predict it).</summary>
    private static (double P50Ms, double P99Ms)? Prior(HardwareProfile profile, ModelManifest manifest, string provider)
    {
        if (ExecutionProviders.TryParse(provider, out var ep) && profile.Prior(manifest.Name, ep) is { } p)
            return (p.P50Ms, p.P99Ms);
        if (manifest.LatencyPriors.TryGetValue(provider, out var m))
            return (m.P50Ms, m.P99Ms);
        return null;
    }

    private Task<TargetResult> ExecuteAsync(RouteCandidate winner, ModelManifest manifest, float[] row) =>
        winner.Target.Kind == TargetKind.Local ? LocalAsync(manifest, row) : RemoteAsync(winner, manifest, row);

    private async Task<TargetResult> LocalAsync(ModelManifest manifest, float[] row)
    {
        var model = local.Find(manifest.Name)!;
        try
        {
            var s = await model.Batcher!.ScoreAsync(row).WaitAsync(_options.RemoteTimeout).ConfigureAwait(false);
            if (!float.IsFinite(s.Score) || s.Score is < 0 or > 1)
                throw new TargetException($"the model gave {s.Score}, not a probability", TargetFailure.Error, countsAgainstTarget: false);
            // The router models the queue itself (calls in flight over the batch size): its service sample is the run.
            return new TargetResult(s.Score, model.Version, s.TotalMicros, Math.Max(1, s.RunMicros));
        }
        catch (TimeoutException)
        {
            throw new TargetException($"no result within {_options.RemoteTimeout.TotalSeconds:0.###} s", TargetFailure.Timeout);
        }
        catch (SharedBatchFailedException ex)
        {
            throw new TargetException(ex.Message, TargetFailure.Error, countsAgainstTarget: false);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or TargetException))
        {
            throw new TargetException($"{ex.GetType().Name}: {ex.Message}", TargetFailure.Error);
        }
    }

    private async Task<TargetResult> RemoteAsync(RouteCandidate winner, ModelManifest manifest, float[] row)
    {
        var peer = peers.Peers.FirstOrDefault(p => p.Info?.NodeId == winner.Target.Node)
            ?? throw new TargetException($"peer {winner.Target.Node} is no longer listed", TargetFailure.Error, countsAgainstTarget: false);
        var request = new ScoreRequest { Model = manifest.Name, Width = row.Length, Count = 1, NodeId = options.NodeId, Site = options.Site };
        request.Rows.Add(row);
        var started = Stopwatch.GetTimestamp();
        ScoreReply reply;
        try
        {
            reply = await peer.Client.ScoreAsync(request, deadline: DateTime.UtcNow + _options.RemoteTimeout).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition)
        {
            // The peer refused this request (it no longer serves the model, or judged the row invalid): it is healthy.
            throw new TargetException($"{ex.StatusCode}: {ex.Status.Detail}", TargetFailure.Error, countsAgainstTarget: false);
        }
        catch (RpcException ex)
        {
            peer.MarkUnreachable($"{ex.StatusCode}: {ex.Status.Detail}");
            throw new TargetException($"{ex.StatusCode}: {ex.Status.Detail}", ex.StatusCode == StatusCode.DeadlineExceeded ? TargetFailure.Timeout : TargetFailure.Error);
        }
        var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        if (reply.Scores.Count != 1 || !float.IsFinite(reply.Scores[0]) || reply.Scores[0] is < 0 or > 1 || reply.ModelVersion.Length == 0
            || reply.ServingNode != winner.Target.Node || reply.QueueMicros < 0 || reply.RunMicros < 0)
            throw new TargetException($"malformed reply: {reply.Scores.Count} scores, version '{reply.ModelVersion}', from '{reply.ServingNode}'", TargetFailure.Error);
        var service = Math.Min(micros, reply.QueueMicros + reply.RunMicros);
        peer.ObserveRoundTrip((micros - service) / 1000.0);
        return new TargetResult(reply.Scores[0], reply.ModelVersion, micros, service);
    }
}
