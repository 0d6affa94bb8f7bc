using System.Net;
using Mesh.Hub.Enrollment;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Hosting;

/// <summary>
/// Binds Kestrel from <see cref="HubOptions"/> and remembers the listeners, whose endpoints Kestrel
/// updates to the actual port once bound (port 0 → the port the OS picked).
/// </summary>
public sealed class HubEndpoints
{
    private ListenOptions? _main;
    private ListenOptions? _api;
    private ListenOptions? _nodes;

    /// <summary>gRPC and the JSON API over HTTP/2 cleartext, after start.</summary>
    public Uri Main => Address(_main, nameof(HubOptions.Url))
        ?? throw new InvalidOperationException("the hub is not listening yet: call StartAsync first");

    /// <summary>The HTTP/1.1 JSON API, after start; null when <see cref="HubOptions.ApiUrl"/> is not set.</summary>
    public Uri? Api => Address(_api, nameof(HubOptions.ApiUrl));

    /// <summary>The mutual-TLS endpoint for nodes (<c>https://</c>), after start; null when <c>Hub:Enrollment:Url</c> is empty.</summary>
    public Uri? Nodes => Address(_nodes, "Enrollment:Url", "https");

    internal void Configure(KestrelServerOptions kestrel)
    {
        var hub = kestrel.ApplicationServices.GetRequiredService<IOptions<HubOptions>>().Value;
        kestrel.AddServerHeader = false;
        kestrel.Listen(Parse(hub.Url, nameof(HubOptions.Url)), listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            _main = listen;
        });
        if (!string.IsNullOrEmpty(hub.ApiUrl))
        {
            kestrel.Listen(Parse(hub.ApiUrl, nameof(HubOptions.ApiUrl)), listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                _api = listen;
            });
        }
        if (!string.IsNullOrEmpty(hub.Enrollment.Url))
        {
            var ca = kestrel.ApplicationServices.GetRequiredService<HubCertificateAuthority>();
            var gate = kestrel.ApplicationServices.GetRequiredService<NodeGate>();
            kestrel.Listen(Parse(hub.Enrollment.Url, "Enrollment:Url", Uri.UriSchemeHttps), listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                // A client certificate is asked for, not required: enrollment comes before the node has one. Every other
                // node call needs it (NodeGate); one the gate refuses ends the handshake.
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = ca.ServerCertificate,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (certificate, _, _) => gate.AcceptsClient(certificate),
                });
                _nodes = listen;
            });
        }
    }

    private static IPEndPoint Parse(string url, string key, string scheme = "http") =>
        HubOptionsValidator.TryParseListenUrl(url, scheme, out var endpoint, out var problem)
            ? endpoint
            : throw new OptionsValidationException(HubOptions.SectionName, typeof(HubOptions), [$"{HubOptions.SectionName}:{key}: {problem}"]);

    private static Uri? Address(ListenOptions? listen, string key, string scheme = "http")
    {
        if (listen is null)
            return null;
        var endpoint = listen.IPEndPoint ?? throw new InvalidOperationException($"Hub:{key} is not an IP endpoint");
        return endpoint.Port == 0 ? null : new Uri($"{scheme}://{endpoint}/");
    }
}
