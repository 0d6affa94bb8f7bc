using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Mesh.Protocol.Grpc;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Hub.Enrollment;

/// <summary>The gRPC edge of enrollment (<c>mesh.v1.Enrollment</c>): only on the TLS endpoint, so a token never
/// travels in clear.</summary>
public sealed class EnrollmentService(EnrollmentDesk desk, NodeGate gate, HubCertificateAuthority ca)
{
    /// <summary>Routes <c>Enrollment.Discover</c>, <c>Enroll</c> and <c>Renew</c> here with the hub reading the request
    /// itself (<see cref="OwnReadMethods"/>): the one node-facing service a caller without a certificate reaches.</summary>
    public sealed class Methods(OwnReadMethods own) : IServiceMethodProvider<EnrollmentService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<EnrollmentService> context)
        {
            var service = Protocol.Grpc.Enrollment.Descriptor;
            own.AddUnary<EnrollmentService, DiscoverRequest, DiscoverReply>(context, service, "Discover", (s, request, call) => s.Discover(request, call));
            own.AddUnary<EnrollmentService, EnrollRequest, EnrollReply>(context, service, "Enroll", (s, request, call) => s.Enroll(request, call));
            own.AddUnary<EnrollmentService, RenewRequest, EnrollReply>(context, service, "Renew", (s, request, call) => s.Renew(request, call));
        }
    }

    public Task<DiscoverReply> Discover(DiscoverRequest request, ServerCallContext context) =>
        Task.FromResult(new DiscoverReply { CaCertificate = ByteString.CopyFrom(ca.Public.RawData) });

    public Task<EnrollReply> Enroll(EnrollRequest request, ServerCallContext context)
    {
        RequireTls(context);
        var token = request.Token.Split('.')[0];
        using var issued = desk.Enroll(token, request.Csr.Span);
        return Task.FromResult(Reply(issued));
    }

    public Task<EnrollReply> Renew(RenewRequest request, ServerCallContext context)
    {
        RequireTls(context);
        var caller = gate.Caller(context);
        using var issued = desk.Renew(caller, context.GetHttpContext().Connection.ClientCertificate!, request.Csr.Span);
        return Task.FromResult(Reply(issued));
    }

    private EnrollReply Reply(X509Certificate2 issued)
    {
        var name = Protocol.Identity.NodeCertificateName.Read(issued)!.Value;
        return new EnrollReply
        {
            Certificate = ByteString.CopyFrom(issued.RawData),
            CaCertificate = ByteString.CopyFrom(ca.Public.RawData),
            NodeId = name.NodeId,
            Site = name.Site,
        };
    }

    private static void RequireTls(ServerCallContext context)
    {
        if (!context.GetHttpContext().Request.IsHttps)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "enrollment runs on the hub's TLS endpoint (Hub:Enrollment:Url, https://…) only, so the token never travels in clear"));
    }
}
