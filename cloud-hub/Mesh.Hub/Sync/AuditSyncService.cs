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
public sealed class AuditSyncService(AuditIngest ingest, NodeLeases leases, SyncAdmission admission, NodeGate gate, HubStore store,
    IHostApplicationLifetime lifetime, IOptions<HubOptions> options, ILogger<AuditSyncService> logger)
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

    /// <summary>Records read back per reply of <see cref="ReadBack"/>.</summary>
    public const int ReadBackBatch = 500;

    /// <summary>
    /// What the hub holds of a node's own stream from <see cref="ReadBackRequest.FromSeq"/> up to the stored head as the
    /// read began, for a node rebuilding a damaged journal. The first reply names the head even when no record follows.
    /// </summary>
    public override async Task ReadBack(ReadBackRequest request, IServerStreamWriter<ReadBackReply> responseStream, ServerCallContext context)
    {
        if (AuditIngest.ValidateHello(new SyncHello { NodeId = request.NodeId, Site = request.Site }) is { } invalid)
            throw Refuse(request.NodeId, invalid);
        var revoked = gate.Authorize(context, request.NodeId, request.Site, NodeAccess.ReadBack);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping, revoked);
        var node = store.FindNode(request.NodeId);
        if (node is not null && node.Site != request.Site)
            throw Refuse(request.NodeId, SyncRefusal.OfStream(request.NodeId, SyncProblem.WrongSite,
                $"the hub holds node {request.NodeId} as a node of site '{node.Site}', not '{request.Site}'"));
        var head = node?.Head ?? Mesh.Protocol.Audit.ChainHead.Genesis;
        var after = (long)Math.Min(Math.Max(request.FromSeq, 1UL) - 1, (ulong)long.MaxValue);
        HubLog.ReadBackStarted(logger, request.NodeId, after + 1, head.Sequence);
        var first = true;
        try
        {
            while (first || after < head.Sequence)
            {
                var records = after < head.Sequence
                    ? store.ReadRecords(request.NodeId, after, (int)Math.Min(ReadBackBatch, head.Sequence - after))
                    : [];
                var reply = new ReadBackReply { HubHeadSeq = (ulong)head.Sequence, HubHeadHash = head.Sequence == 0 ? ByteString.Empty : ByteString.CopyFrom(head.Hash.Span) };
                reply.Records.AddRange(records.Select(r => new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(r.Canonical), Hash = ByteString.CopyFrom(r.Hash) }));
                await responseStream.WriteAsync(reply, ended.Token).ConfigureAwait(false);
                first = false;
                if (records.Count == 0)
                    break;
                after = records[^1].Sequence;
            }
        }
        catch (HubStorageException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub cannot read its store; retry later"));
        }
        catch (OperationCanceledException) when (revoked.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw NodeGate.RevokedWhileOpen(request.NodeId);
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
