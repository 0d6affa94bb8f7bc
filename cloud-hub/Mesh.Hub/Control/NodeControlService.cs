using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Mesh.Hub.Enrollment;
using Mesh.Hub.Storage;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Topics;

namespace Mesh.Hub.Control;

/// <summary>
/// The gRPC edge of policy and decision distribution. A Watch subscribes to live changes first, then sends the
/// snapshot (the site's active policy, the node's decisions it has not recorded, the fleet's revoked certificates),
/// then the live changes, so nothing committed between the two is missed; a repeat is possible and the node ignores it.
/// </summary>
public sealed class NodeControlService(
    HubStore store, ControlBroadcast broadcast, NodeGate gate, IHostApplicationLifetime lifetime, ILogger<NodeControlService> logger)
{
    /// <summary>Routes <c>NodeControl.Watch</c> here with the hub reading the request itself (<see cref="OwnReadMethods"/>).</summary>
    public sealed class Methods(OwnReadMethods own) : IServiceMethodProvider<NodeControlService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<NodeControlService> context) =>
            own.AddServerStreaming<NodeControlService, WatchRequest, ControlMessage>(context, NodeControl.Descriptor, "Watch",
                (service, request, responses, call) => service.Watch(request, responses, call));
    }

    public async Task Watch(WatchRequest request, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        Validate(request);
        // A node reads its own site's policy and its own decisions only.
        var revoked = gate.Authorize(context, request.NodeId, request.Site, NodeAccess.Watch);
        using var subscription = broadcast.Subscribe(request.NodeId, request.Site);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping, subscription.Abandon, revoked);
        try
        {
            var sent = await SendSnapshotAsync(request, responseStream, ended.Token).ConfigureAwait(false);
            await foreach (var message in subscription.Reader.ReadAllAsync(ended.Token).ConfigureAwait(false))
            {
                if (sent.IsRepeat(message))
                    continue;
                await responseStream.WriteAsync(message, ended.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when ((ex is OperationCanceledException or RpcException or InvalidOperationException)
            && (ended.IsCancellationRequested || subscription.Overflowed))
        {
            // Ended by the node, the hub's shutdown or an overflow; which one decides the status below.
        }
        finally
        {
            HubLog.WatchEnded(logger, request.NodeId);
        }
        if (subscription.Overflowed)
            throw subscription.OverflowError;
        if (revoked.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            throw NodeGate.RevokedWhileOpen(request.NodeId);
        if (!context.CancellationToken.IsCancellationRequested && lifetime.ApplicationStopping.IsCancellationRequested)
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub is shutting down; reconnect"));
    }

    private async Task<SentSoFar> SendSnapshotAsync(WatchRequest request, IServerStreamWriter<ControlMessage> responseStream, CancellationToken ct)
    {
        ActivePolicy? active;
        IReadOnlyList<StoredApproval> decisions;
        try
        {
            active = store.FindActivePolicy(request.Site);
            decisions = store.ReadUndeliveredDecisions(request.NodeId);
        }
        catch (HubStorageException ex)
        {
            HubLog.WatchStorageFailed(logger, request.NodeId, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub cannot read its store; retry later"));
        }
        var sent = new SentSoFar(active?.Activation.Activation ?? 0);
        if (active is not null)
            await responseStream.WriteAsync(ControlMessages.Policy(active), ct).ConfigureAwait(false);
        foreach (var approval in decisions)
        {
            var message = ControlMessages.Decision(approval);
            sent.IsRepeat(message);
            await responseStream.WriteAsync(message, ct).ConfigureAwait(false);
        }
        var revocations = ControlMessages.Revocations(gate.RevokedSerials);
        sent.IsRepeat(revocations);
        await responseStream.WriteAsync(revocations, ct).ConfigureAwait(false);
        HubLog.WatchStarted(logger, request.NodeId, request.Site, request.PolicyVersion, request.PolicySha256, sent.Activation, decisions.Count,
            revocations.Revocations.Serials.Count);
        return sent;
    }

    private void Validate(WatchRequest request)
    {
        var problem = CheckId("node_id", request.NodeId) ?? CheckId("site", request.Site);
        if (problem is not null)
            throw Refuse(StatusCode.InvalidArgument, problem);
        if (store.FindNode(request.NodeId) is { } known && known.Site != request.Site)
            throw Refuse(StatusCode.PermissionDenied,
                $"node '{request.NodeId}' syncs its audit trail as a node of site '{known.Site}', but this watch names site '{request.Site}'");
    }

    private RpcException Refuse(StatusCode status, string reason)
    {
        HubLog.WatchRefused(logger, status, reason);
        return new RpcException(new Status(status, reason));
    }

    private static string? CheckId(string field, string value) =>
        value.Length == 0 ? $"{field} is empty"
        : MeshTopics.IsValidSegment(value) ? null
        : $"{field} '{value}' is not a usable id: 1-{MeshTopics.MaxSegmentLength} characters, without '/', '+', '#', NUL or whitespace";

    /// <summary>What this stream already carried: live messages that repeat the snapshot are not resent.</summary>
    private sealed class SentSoFar(long activation)
    {
        private readonly HashSet<string> _decisions = new(StringComparer.Ordinal);

        public long Activation { get; private set; } = activation;

        // The length of the longest revocation list sent: the hub's list only grows, so a shorter or equal one adds nothing.
        private int _revoked = -1;

        /// <summary>Whether the message adds nothing for the node; otherwise notes it as sent.</summary>
        public bool IsRepeat(ControlMessage message)
        {
            switch (message.BodyCase)
            {
                case ControlMessage.BodyOneofCase.Policy:
                    var activation = (long)message.Policy.Activation;
                    if (activation <= Activation)
                        return true;
                    Activation = activation;
                    return false;
                case ControlMessage.BodyOneofCase.Approval:
                    return !_decisions.Add(message.Approval.ApprovalId);
                case ControlMessage.BodyOneofCase.Revocations:
                    var count = message.Revocations.Serials.Count;
                    if (count <= _revoked)
                        return true;
                    _revoked = count;
                    return false;
                default:
                    return false;
            }
        }
    }
}
