using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Models;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Inference;

/// <summary>
/// The <c>Inference</c> gRPC service of a node that serves other nodes (a cloud GPU node, a site peer). Describe
/// advertises this node's profile, models and load; Score runs rows through the same batchers the node's own agents
/// use. Every request is checked before it reaches a model: an unknown model, a wrong row width, too many rows or a
/// non-finite value is refused with InvalidArgument or NotFound and a message that says which.
/// </summary>
public sealed class InferenceService(LocalInference local, NodeOptions options, ILogger<InferenceService> logger)
{
    /// <summary>Most rows in one Score request.</summary>
    public const int MaxRows = 256;

    /// <summary>The largest request the server reads (a Score request of <see cref="MaxRows"/> rows is far below it).</summary>
    public const int MaxReceiveBytes = 1024 * 1024;

    /// <summary>Routes <c>Inference.Describe</c> and <c>Score</c> here with the server reading the request itself
    /// (<see cref="OwnReadMethods"/>): oversized or undecodable bytes are refused naming why, and logged (event 6010).</summary>
    public sealed class Methods(ILogger<InferenceService> logger) : IServiceMethodProvider<InferenceService>
    {
        private readonly OwnReadMethods _own = new(MaxReceiveBytes, "the inference server's limit",
            (method, problem, reason) => InferenceLog.CallRefused(logger, method, problem, reason));

        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<InferenceService> context)
        {
            _own.AddUnary<InferenceService, DescribeRequest, InferenceNodeInfo>(context, Mesh.Protocol.Grpc.Inference.Descriptor, "Describe",
                (service, request, call) => service.Describe(request, call));
            _own.AddUnary<InferenceService, ScoreRequest, ScoreReply>(context, Mesh.Protocol.Grpc.Inference.Descriptor, "Score",
                (service, request, call) => service.Score(request, call));
        }
    }

    public Task<InferenceNodeInfo> Describe(DescribeRequest request, ServerCallContext context)
    {
        var info = new InferenceNodeInfo
        {
            NodeId = options.NodeId,
            Site = options.Site,
            ProfileYaml = ProfileLoader.Write(local.Profile),
        };
        var depth = 0;
        foreach (var m in local.Models)
        {
            if (m.Batcher is null)
                continue;
            depth += m.Batcher.QueueDepth;
            info.Models.Add(new ServedModel
            {
                Name = m.Name, Version = m.Version, Sha256 = m.Registered.Manifest.Sha256, Provider = m.Provider, Width = m.Runner!.Width,
                ManifestYaml = ManifestLoader.Write(m.Registered.Manifest),
            });
        }
        info.QueueDepth = depth;
        return Task.FromResult(info);
    }

    public async Task<ScoreReply> Score(ScoreRequest request, ServerCallContext context)
    {
        var model = local.Find(request.Model);
        if (model?.Batcher is null)
            throw Refuse(request, StatusCode.NotFound, $"model '{request.Model}' is not served here (serving: {string.Join(", ", local.Models.Where(m => m.Batcher is not null).Select(m => m.Name))})");
        var width = model.Runner!.Width;
        if (request.Width != width)
            throw Refuse(request, StatusCode.InvalidArgument, $"width {request.Width} does not match model {model.Name}'s {width} features");
        if (request.Count is < 1 or > MaxRows)
            throw Refuse(request, StatusCode.InvalidArgument, $"count {request.Count} is outside 1..{MaxRows}");
        if (request.Rows.Count != request.Count * width)
            throw Refuse(request, StatusCode.InvalidArgument, $"rows holds {request.Rows.Count} values, expected count × width = {request.Count * width}");
        for (var i = 0; i < request.Rows.Count; i++)
            if (!float.IsFinite(request.Rows[i]))
                throw Refuse(request, StatusCode.InvalidArgument, $"value {i} (row {i / width}, column {i % width}) is not a finite number");

        var rows = request.Rows.ToArray();
        var pending = new Task<Mesh.Inference.Runtime.BatchScore>[request.Count];
        for (var r = 0; r < request.Count; r++)
            pending[r] = model.Batcher.ScoreAsync(rows.AsSpan(r * width, width));
        // Off the batch loop (which completes the rows inline): the reply is written by a thread-pool thread.
        var scores = await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var reply = new ScoreReply
        {
            Model = model.Name,
            ModelVersion = model.Version,
            ServingNode = options.NodeId,
            Profile = local.Profile.Id,
            Provider = model.Provider,
            QueueMicros = scores.Max(s => s.QueueMicros),
            RunMicros = scores.Max(s => s.RunMicros),
        };
        foreach (var s in scores)
            reply.Scores.Add(s.Score);
        return reply;
    }

    private RpcException Refuse(ScoreRequest request, StatusCode code, string problem)
    {
        InferenceLog.ScoreRefused(logger, request.NodeId, problem);
        return new RpcException(new Status(code, problem));
    }
}
