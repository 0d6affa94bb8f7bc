using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Mesh.Node.Identity;
using Mesh.Protocol.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Inference;

/// <summary>
/// Serves <see cref="InferenceService"/> on <c>Node:Inference:ServeUrl</c>. With <c>https://</c> it serves over mutual TLS
/// with the node's hub-issued certificate (the one in force at each handshake, so a renewal needs no restart) and
/// takes only peers presenting a node certificate from the same CA that the hub has not revoked; until the node has enrolled every handshake fails.
/// <c>http://</c> is HTTP/2 without TLS on loopback. A small Kestrel host of its own, so a node that serves nothing
/// opens no port.
/// </summary>
public sealed class InferenceServer(IOptions<NodeOptions> options, LocalInference local, ILoggerFactory loggers, NodeCredentials? credentials = null)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Inference.ServeUrl.Length == 0)
            return;
        var uri = new Uri(o.Inference.ServeUrl);
        var tls = uri.Scheme == Uri.UriSchemeHttps;
        if (tls && credentials is null)
            throw new InvalidOperationException("an https:// Node:Inference:ServeUrl needs the node's credentials");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(local);
        builder.Services.AddSingleton(o);
        if (tls)
            builder.Services.AddSingleton(credentials!);
        builder.Services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<InferenceService>, InferenceService.Methods>();
        builder.Services.AddGrpc(g =>
        {
            g.MaxReceiveMessageSize = InferenceService.MaxReceiveBytes;
            g.EnableDetailedErrors = false;
            if (tls)
                g.Interceptors.Add<RevokedPeerInterceptor>();
        });
        var logger = loggers.CreateLogger<InferenceServer>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Parse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host), uri.Port, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (tls)
                l.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, _) => credentials!.Current?.Certificate,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (peer, _, _) => AcceptsPeer(peer, logger),
                });
        }));
        _app = builder.Build();
        _app.MapGrpcService<InferenceService>();
        await _app.StartAsync(cancellationToken);
        InferenceLog.Serving(loggers.CreateLogger<InferenceServer>(), o.Inference.ServeUrl);
    }

    /// <summary>A peer may ask for inference when its certificate is a node certificate from this node's CA that the hub
    /// has not revoked (checked again on every call: <see cref="RevokedPeerInterceptor"/>).</summary>
    private bool AcceptsPeer(System.Security.Cryptography.X509Certificates.X509Certificate2 peer, ILogger logger)
    {
        var problem = credentials?.Current is not { } identity ? "this node has not enrolled yet"
            : MeshTrust.Check(peer, identity.Ca, MeshTrust.ClientAuthOid)
            ?? (NodeCertificateName.Read(peer) is null ? $"certificate '{peer.Subject}' names no node" : null)
            ?? credentials.Revoked.Problem(peer);
        if (problem is not null)
            InferenceLog.PeerRefused(logger, peer.Subject, problem);
        return problem is null;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
            await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
