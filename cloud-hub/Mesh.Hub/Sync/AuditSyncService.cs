using Google.Protobuf;
using Grpc.Core;
using Mesh.Hub.Enrollment;
using Mesh.Hub.Storage;
using Mesh.Protocol.Grpc;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Sync;

/// <summary>
/// The gRPC edge of audit sync. A stream is: hello → admission (<see cref="SyncAdmission"/>) → ack of the stored
/// head; then per batch, verify the whole batch, commit it, and only then ack. Any refusal ends the stream with an
/// <see cref="RpcException"/> (see <see cref="SyncRefusal"/>); the node reconnects, says hello and resends from the ack.
/// </summary>
public sealed class AuditSyncService(AuditIngest ingest, NodeLeases leases, SyncAdmission admission, NodeGate gate, IHostApplicationLifetime lifetime,
    IOptions<HubOptions> options, ILogger<AuditSyncService> logger)
    : AuditSync.AuditSyncBase
{
    public override async Task Sync(IAsyncStreamReader<NodeMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        var callCancelled = context.CancellationToken;
        if (!await NextAsync(requestStream, "", callCancelled).ConfigureAwait(false))
            return;
        var first = requestStream.Current;
        if (first.BodyCase != NodeMessage.BodyOneofCase.Hello)
            throw Refuse("", SyncRefusal.OfStream("", SyncProblem.HelloRequired, $"the first message of a stream must be a hello, got {first.BodyCase}"));
        var hello = first.Hello;
        if (AuditIngest.ValidateHello(hello) is { } invalid)
            throw Refuse(hello.NodeId, invalid);
        // A node pushes its own stream only: the certificate must name the hello's node and site.
        var revoked = gate.Authorize(context, hello.NodeId, hello.Site, NodeAccess.PushAudit);

        // Shed before the lease or the store: under a storm the hub spends nothing on what it cannot serve now.
        using var slot = admission.TryEnter(replacing: leases.IsHeld(hello.NodeId)) ?? throw Shed(hello.NodeId);
        using var lease = await AcquireAsync(hello.NodeId, callCancelled).ConfigureAwait(false);
        // A stopping hub ends its streams at once (the node resumes from its ack elsewhere or later) rather
        // than holding shutdown until Kestrel's timeout.
        using var streamCancelled = CancellationTokenSource.CreateLinkedTokenSource(callCancelled, lease.Superseded, lifetime.ApplicationStopping, revoked);
        try
        {
            var greeted = ingest.Hello(hello);
            await responseStream.WriteAsync(Ack(Accepted(hello.NodeId, greeted)), streamCancelled.Token).ConfigureAwait(false);
            while (await NextAsync(requestStream, hello.NodeId, streamCancelled.Token).ConfigureAwait(false))
            {
                var message = requestStream.Current;
                if (message.BodyCase != NodeMessage.BodyOneofCase.Batch)
                    throw Refuse(hello.NodeId, SyncRefusal.OfStream(hello.NodeId, SyncProblem.DuplicateHello,
                        $"got {message.BodyCase} after the stream's hello; only batches may follow it"));
                var applied = ingest.Apply(hello.NodeId, hello.Site, message.Batch);
                await responseStream.WriteAsync(Ack(Accepted(hello.NodeId, applied)), streamCancelled.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !callCancelled.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub is stopping; reconnect and resume from the last ack"));
        }
        catch (OperationCanceledException) when (revoked.IsCancellationRequested && !callCancelled.IsCancellationRequested)
        {
            throw NodeGate.RevokedWhileOpen(hello.NodeId);
        }
        catch (OperationCanceledException) when (lease.Superseded.IsCancellationRequested && !callCancelled.IsCancellationRequested)
        {
            HubLog.StreamSuperseded(logger, hello.NodeId);
            throw SyncRefusal.OfStream(hello.NodeId, SyncProblem.Superseded,
                "a newer sync stream from this node took over; this one ends").ToRpcException();
        }
    }

    /// <summary>
    /// The next message, or a refusal that says why it cannot be read: larger than Hub:MaxReceiveMessageBytes (gRPC's own
    /// ResourceExhausted names no limit and no key), or bytes that are not a NodeMessage (gRPC would answer Unknown and log
    /// an error). Either way the stream ends refused and recorded like any other sync problem; the hub goes on.
    /// </summary>
    private async Task<bool> NextAsync(IAsyncStreamReader<NodeMessage> stream, string nodeId, CancellationToken ct)
    {
        try
        {
            return await stream.MoveNext(ct).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
        {
            throw Refuse(nodeId, SyncRefusal.OfStream(nodeId, SyncProblem.MessageTooLarge,
                $"a message is larger than {options.Value.MaxReceiveMessageBytes} bytes (Hub:MaxReceiveMessageBytes): send smaller batches"));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Refuse(nodeId, SyncRefusal.OfStream(nodeId, SyncProblem.Malformed,
                $"the message is not a valid NodeMessage: {ex.Message.TrimEnd('.')}"));
        }
    }

    private async Task<NodeLease> AcquireAsync(string nodeId, CancellationToken cancellationToken)
    {
        try
        {
            return await leases.AcquireAsync(nodeId, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            HubLog.StreamSuperseded(logger, nodeId);
            throw SyncRefusal.OfStream(nodeId, SyncProblem.Superseded,
                "a newer sync stream from this node arrived while this one waited").ToRpcException();
        }
    }

    private RpcException Shed(string nodeId)
    {
        var retryAfter = admission.RetryAfter();
        var status = admission.Status;
        HubLog.SyncShed(logger, nodeId, status.ActiveStreams, status.MaxSyncStreams, (long)retryAfter.TotalMilliseconds);
        return SyncRefusal.OfStream(nodeId, SyncProblem.Overloaded,
            $"the hub serves {status.MaxSyncStreams} sync streams already (Hub:MaxSyncStreams); retry after {(long)retryAfter.TotalMilliseconds} ms").ToRpcException(retryAfter);
    }

    private StoredNode Accepted(string nodeId, IngestResult result) =>
        result.Node ?? throw Refuse(nodeId, result.Refusal!);

    private RpcException Refuse(string nodeId, SyncRefusal refusal)
    {
        if (refusal.Problem is SyncProblem.HelloRequired or SyncProblem.DuplicateHello or SyncProblem.InvalidHello or SyncProblem.MessageTooLarge
            or SyncProblem.Malformed)
            HubLog.SyncRefused(logger, nodeId, refusal.Problem, refusal.FirstBadSequence, refusal.Message);
        return refusal.ToRpcException();
    }

    private static HubMessage Ack(StoredNode node) => new()
    {
        Ack = new SyncAck
        {
            AckedSeq = (ulong)node.LastSeq,
            AckedHash = node.LastSeq == 0 ? ByteString.Empty : ByteString.CopyFrom(node.LastHash),
        },
    };
}
