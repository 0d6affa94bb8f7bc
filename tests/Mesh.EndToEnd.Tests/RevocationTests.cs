using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Identity;
using Mesh.Node.Inference;
using Mesh.Protocol.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.EndToEnd.Tests;

/// <summary>Revocation reaching a node that serves inference over mutual TLS: a mesh-node process learns the revoked
/// serials on its control stream, refuses the revoked peer on its open connection, keeps the list across a restart with
/// the hub down, and refuses a malformed list keeping the good one.</summary>
public sealed class RevocationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ServingNode_RefusesPeerRevokedAtHub_OnItsOpenConnection_AndAfterRestartWithHubDown()
    {
        using var dir = new TempDirectory();
        LocalHub? hub = await LocalHub.StartAsync(dir.Sub("hub"), 0, Microsoft.Extensions.Logging.LogLevel.Warning, "--Hub:Enrollment:PlaintextNodes=false");
        var serveUrl = $"https://127.0.0.1:{NodeProcess.FreePort()}";
        var data = dir.Sub("gpu-r");
        var hubUrl = hub.NodeAddress.ToString();
        string[] Args(params string[] extra) => NodeArgs.For("gpu-r", "cloud", data, hubUrl,
            ["--Node:Profile=cloud-a10g", $"--Node:Inference:ServeUrl={serveUrl}", .. extra]);
        NodeProcess? gpu = await NodeProcess.StartAsync(NodeProcess.FreePort(), Args($"--Node:Enrollment:Token={await hub.CreateEnrollmentTokenAsync("gpu-r", "cloud")}"));
        try
        {
            using var good = await EnrollAsync(hub, dir, "edge-good");
            using var bad = await EnrollAsync(hub, dir, "edge-bad");
            var serial = bad.Current!.Certificate.SerialNumber;
            using var badPeer = new InferencePeer(serveUrl, bad);
            await Poll.UntilAsync(async () => await AnswersAsync(badPeer, "edge-bad"), Timeout, () => $"the GPU node to enroll and serve; its output:\n{gpu.Output}");

            using (var revoke = await hub.Http.PostAsync("api/nodes/edge-bad/revoke", JsonContent.Create(new { comment = "test" })))
                revoke.EnsureSuccessStatusCode();

            // The same channel, connected before the revocation: refused per call once the node has heard of it.
            RpcException? refused = null;
            await Poll.UntilAsync(async () => (refused = await RefusalAsync(badPeer, "edge-bad")) is not null, Timeout,
                () => $"the GPU node to refuse the revoked peer; its output:\n{gpu.Output}");
            refused!.StatusCode.ShouldBe(StatusCode.PermissionDenied, refused.ToString());
            refused.Status.Detail.ShouldStartWith($"the certificate of node 'edge-bad' (serial {serial}) was revoked by the hub");
            using (var goodPeer = new InferencePeer(serveUrl, good))
                (await AnswersAsync(goodPeer, "edge-good")).ShouldBeTrue("a good peer is still served");
            // The node uses a new serial before it has saved it: the file follows.
            await Poll.UntilAsync(() => File.Exists(RevokedCertificates.PathIn(data)) && File.ReadAllText(RevokedCertificates.PathIn(data)).Contains(serial, StringComparison.Ordinal),
                Timeout, () => $"the GPU node to save the revoked serial; its output:\n{gpu.Output}");

            await hub.DisposeAsync();
            hub = null;
            gpu.Dispose();
            gpu = null;
            gpu = await NodeProcess.StartAsync(NodeProcess.FreePort(), Args());

            using var goodAgain = new InferencePeer(serveUrl, good);
            await Poll.UntilAsync(async () => await AnswersAsync(goodAgain, "edge-good"), Timeout,
                () => $"the restarted GPU node to serve with its hub down; its output:\n{gpu.Output}");
            using var badAgain = new InferencePeer(serveUrl, bad);
            (await RefusalAsync(badAgain, "edge-bad")).ShouldNotBeNull("the revoked peer is refused after the restart, with no hub to ask");
            await Poll.UntilAsync(() => gpu.Output.Contains($"(serial {serial}) was revoked by the hub", StringComparison.Ordinal), Timeout,
                () => $"the restarted node to log the refused handshake; its output:\n{gpu.Output}");
        }
        finally
        {
            gpu?.Dispose();
            if (hub is not null)
                await hub.DisposeAsync();
        }
    }

    [Fact]
    public async Task NodeProcess_MalformedListFromHub_RefusedWithReason_LastGoodListKept()
    {
        using var dir = new TempDirectory();
        var port = NodeProcess.FreePort();
        await using var hub = await ListHub.StartAsync(port);
        var data = dir.Sub("edge-l");

        using var node = await NodeProcess.StartAsync(NodeProcess.FreePort(),
            NodeArgs.For("edge-l", "site-l", data, $"http://127.0.0.1:{port}", "--Logging:LogLevel:Mesh.Node.Control=Information"));

        await Poll.UntilAsync(() => node.Output.Contains("Refused the revocation list the hub sent: its count says 3 serial(s) but it carries 1: the list was cut short or altered; the 2 revoked serial(s) held before stay in force", StringComparison.Ordinal),
            Timeout, () => $"the node to refuse the malformed list; its output:\n{node.Output}");
        node.Output.ShouldContain("The hub revoked 2 more node certificate(s), 2 in all");
        var held = new RevokedCertificates(data);
        (held.IsRevoked("0A01"), held.IsRevoked("0A02"), held.IsRevoked("0B03"), held.Count).ShouldBe((true, true, false, 2));
    }

    private static async Task<NodeCredentials> EnrollAsync(LocalHub hub, TempDirectory dir, string node)
    {
        var data = dir.Sub(node);
        using var cancel = new CancellationTokenSource(Timeout);
        var (_, key) = await NodeEnrollment.EnrollAsync(hub.NodeAddress, await hub.CreateEnrollmentTokenAsync(node, "site-r"), data, cancel.Token);
        key.Dispose();
        return new NodeCredentials(data, node, "site-r");
    }

    private static async Task<bool> AnswersAsync(InferencePeer peer, string node) => await RefusalAsync(peer, node) is null;

    private static async Task<RpcException?> RefusalAsync(InferencePeer peer, string node)
    {
        try
        {
            await peer.Client.DescribeAsync(new DescribeRequest { NodeId = node, Site = "site-r" }, deadline: DateTime.UtcNow.AddSeconds(5));
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    /// <summary>A hub's control stream that sends a good revocation list and then one cut short (its count says 3,
    /// it carries 1), as a faulty or tampered hub would; the real hub never sends one.</summary>
    private sealed class ListHub : NodeControl.NodeControlBase, IAsyncDisposable
    {
        private WebApplication _app = null!;

        public static async Task<ListHub> StartAsync(int port)
        {
            var hub = new ListHub();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(hub);
            hub._app = builder.Build();
            hub._app.MapGrpcService<ListHub>();
            await hub._app.StartAsync();
            return hub;
        }

        public override async Task Watch(WatchRequest request, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
        {
            await responseStream.WriteAsync(new ControlMessage { Revocations = RevocationList.Of(["0A01", "0A02"]) });
            var cutShort = RevocationList.Of(["0B03"]);
            cutShort.Count = 3;
            await responseStream.WriteAsync(new ControlMessage { Revocations = cutShort });
            await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
