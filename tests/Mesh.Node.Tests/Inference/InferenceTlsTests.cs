using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Node.Identity;
using Mesh.Node.Inference;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Tests.Inference;

/// <summary>The Inference service over mutual TLS on a real loopback port: served with the node's certificate, open
/// only to peers with a node certificate of the same CA that the hub has not revoked.</summary>
public sealed class InferenceTlsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TestCa _ca = new();
    private readonly LogSink _logs = new();
    private LocalInference _local = null!;
    private NodeCredentials _serving = null!;
    private InferenceServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync()
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "cloud-a10g.yaml")).Profile.ShouldNotBeNull();
        _local = LocalInference.Open(profile, Path.Combine(AppContext.BaseDirectory, "models"), new InferenceOptions(), _logs.For<LocalInference>());
        _url = $"https://127.0.0.1:{Mesh.Node.Ingest.EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback)}";
        _serving = _ca.Enroll(Path.Combine(_dir.Path, "gpu-1"), "gpu-1", "cloud");
        var options = new NodeOptions { NodeId = "gpu-1", Site = "cloud", Inference = new InferenceOptions { ServeUrl = _url } };
        _server = new InferenceServer(Options.Create(options), _local, _logs.Factory, _serving);
        await _server.StartAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Describe_PeerWithNodeCertificateOfSameCa_Answered()
    {
        using var edge = _ca.Enroll(Path.Combine(_dir.Path, "edge-1"), "edge-1", "site-a");
        using var peer = new InferencePeer(_url, edge);

        var info = await peer.Client.DescribeAsync(new DescribeRequest { NodeId = "edge-1", Site = "site-a" });

        info.NodeId.ShouldBe("gpu-1");
        info.Models.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Describe_PeerOfAnotherCa_RefusedBothWays()
    {
        using var other = new TestCa("Other CA");
        using var edge = other.Enroll(Path.Combine(_dir.Path, "edge-x"), "edge-x", "site-a");
        using var peer = new InferencePeer(_url, edge);
        // The peer refuses the server (not its CA)...
        var refusedServer = await Should.ThrowAsync<RpcException>(async () => await peer.Client.DescribeAsync(new DescribeRequest { NodeId = "edge-x", Site = "site-a" }));
        refusedServer.StatusCode.ShouldBe(StatusCode.Internal);
        refusedServer.Status.Detail.ShouldContain("RemoteCertificateValidationCallback");

        // ...and the server refuses the peer's certificate even from a client that trusts any server.
        using var channel = GrpcChannel.ForAddress(_url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new() { ClientCertificates = [edge.Current!.Certificate], RemoteCertificateValidationCallback = (_, _, _, _) => true },
            },
            DisposeHttpClient = true,
        });
        var refusedClient = await Should.ThrowAsync<RpcException>(async () =>
            await new Mesh.Protocol.Grpc.Inference.InferenceClient(channel).DescribeAsync(new DescribeRequest { NodeId = "edge-x", Site = "site-a" }));
        ServerRefused(refusedClient);
    }

    [Fact]
    public async Task Describe_NoClientCertificate_Refused()
    {
        using var channel = GrpcChannel.ForAddress(_url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { SslOptions = new() { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
            DisposeHttpClient = true,
        });

        var ex = await Should.ThrowAsync<RpcException>(async () =>
            await new Mesh.Protocol.Grpc.Inference.InferenceClient(channel).DescribeAsync(new DescribeRequest { NodeId = "anyone", Site = "site-a" }));

        ServerRefused(ex);
    }

    [Fact]
    public async Task Score_PeerRevokedAfterItConnected_RefusedOnItsOpenConnection_GoodPeerStillServed()
    {
        using var revoked = _ca.Enroll(Path.Combine(_dir.Path, "edge-r"), "edge-r", "site-a");
        using var good = _ca.Enroll(Path.Combine(_dir.Path, "edge-g"), "edge-g", "site-a");
        using var revokedPeer = new InferencePeer(_url, revoked);
        using var goodPeer = new InferencePeer(_url, good);
        var request = Score("edge-r", await ServedModelAsync(revokedPeer));
        (await revokedPeer.Client.ScoreAsync(request)).Scores.Count.ShouldBe(1, "the peer connects and is served before the revocation");
        var serial = revoked.Current!.Certificate.SerialNumber;

        Revoke(_serving, serial).ShouldBe((1, null));

        // The same channel and connection (the serving node is the one that learned): the per-call check refuses it.
        var refused = await Should.ThrowAsync<RpcException>(async () => await revokedPeer.Client.ScoreAsync(request));
        refused.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        refused.Status.Detail.ShouldStartWith($"the certificate of node 'edge-r' (serial {serial}) was revoked by the hub; this node serves it no inference");
        _logs.Entries.ShouldContain(e => e.Id.Id == 8251 && e.Message.Contains("edge-r", StringComparison.Ordinal) && e.Message.Contains(serial, StringComparison.Ordinal));
        (await goodPeer.Client.ScoreAsync(Score("edge-g", request.Model))).Scores.Count.ShouldBe(1);
        // A new connection with the revoked certificate is refused at the handshake.
        using var again = new InferencePeer(_url, revoked);
        ServerRefused(await Should.ThrowAsync<RpcException>(async () => await again.Client.DescribeAsync(new DescribeRequest { NodeId = "edge-r", Site = "site-a" })));
        _logs.Entries.ShouldContain(e => e.Id.Id == 8250 && e.Message.Contains($"(serial {serial}) was revoked by the hub", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_ServingNodesCertificateRevoked_PeerRefusesItAndMarksItUnreachable()
    {
        using var edge = _ca.Enroll(Path.Combine(_dir.Path, "edge-c"), "edge-c", "site-a");
        var options = new NodeOptions { NodeId = "edge-c", Site = "site-a", Inference = new InferenceOptions { Peers = [_url] } };
        using var directory = new PeerDirectory(Options.Create(options), TimeProvider.System, _logs.For<PeerDirectory>(), edge);
        await directory.RefreshAllAsync();
        directory.Peers[0].Reachable.ShouldBeTrue(directory.Peers[0].LastError);
        var serial = _serving.Current!.Certificate.SerialNumber;

        Revoke(edge, serial).ShouldBe((1, null));
        await directory.RefreshAllAsync();

        directory.Peers[0].Reachable.ShouldBeFalse("the router goes around a peer it refuses, as around an unreachable one");
        _logs.Entries.ShouldContain(e => e.Id.Id == 8252 && e.Message.Contains($"the certificate of node 'gpu-1' (serial {serial}) was revoked by the hub", StringComparison.Ordinal));
    }

    private static (int, string?) Revoke(NodeCredentials node, string serial) => node.Revoked.Offer(RevocationList.Of([serial]));

    private static async Task<string> ServedModelAsync(InferencePeer peer) =>
        (await peer.Client.DescribeAsync(new DescribeRequest { NodeId = "edge", Site = "site-a" })).Models[0].Name;

    private ScoreRequest Score(string node, string model)
    {
        var width = _local.Find(model)!.Runner!.Width;
        var request = new ScoreRequest { Model = model, Width = width, Count = 1, NodeId = node, Site = "site-a" };
        request.Rows.Add(new float[width]);
        return request;
    }

    /// <summary>The server ended the handshake: with TLS 1.3 the client learns it after its side of the handshake, as
    /// UNAVAILABLE or as an internal error of the connection, but never as its own refusal of the server.</summary>
    private static void ServerRefused(RpcException ex)
    {
        ex.StatusCode.ShouldBeOneOf(StatusCode.Unavailable, StatusCode.Internal);
        ex.Status.Detail.ShouldNotContain("RemoteCertificateValidationCallback");
    }

    public async Task DisposeAsync()
    {
        await _server.StopAsync(CancellationToken.None);
        await _server.DisposeAsync();
        _serving.Dispose();
        await _local.DisposeAsync();
        _ca.Dispose();
        _dir.Dispose();
    }
}
