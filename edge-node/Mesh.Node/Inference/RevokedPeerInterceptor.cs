using Grpc.Core;
using Grpc.Core.Interceptors;
using Mesh.Node.Identity;
using Mesh.Protocol.Identity;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Inference;

/// <summary>
/// Checks every inference call's client certificate against the revoked serials. The handshake checked it too, but an
/// HTTP/2 connection outlives a revocation: a peer connected before the hub revoked it must be refused on its next call.
/// </summary>
public sealed class RevokedPeerInterceptor(NodeCredentials credentials, ILogger<RevokedPeerInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    /// <summary>Describe and Score are bound as duplex methods (<see cref="InferenceService.Methods"/>): checked here, before
    /// the request is read.</summary>
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (context.GetHttpContext().Connection.ClientCertificate is { } peer && credentials.Revoked.Problem(peer) is { } problem)
        {
            InferenceLog.PeerCallRefused(logger, NodeCertificateName.Read(peer)?.NodeId ?? peer.Subject, peer.SerialNumber);
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"{problem}; this node serves it no inference. The node comes back only by enrolling again with a new token (mesh node token)"));
        }
    }
}
