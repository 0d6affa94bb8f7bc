using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Identity;

namespace Mesh.Hub.Tests.Enrollment;

/// <summary>Enrollment and mutual TLS against the real hub: Kestrel's TLS endpoint on a loopback port, real handshakes
/// with certificates its CA issued (or another CA's), the admin API for tokens and revocation.</summary>
public sealed class EnrollmentTests
{
    private static string[] MtlsOnly => ["--Hub:Enrollment:PlaintextNodes=false"];

    [Fact]
    public async Task Enroll_WithToken_CertificateNamesNodeAndSite_AndSyncRunsOverMutualTls()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = await TlsNode.EnrollAsync(hub, TestChain.Node, TestChain.Site);

        node.Certificate!.Subject.ShouldBe($"CN={TestChain.Node}, OU={TestChain.Site}");
        NodeCertificateName.Read(node.Certificate).ShouldBe((TestChain.Node, TestChain.Site));
        MeshTrust.Check(node.Certificate, TlsNode.CaOf(hub), MeshTrust.ClientAuthOid).ShouldBeNull();
        var chain = new TestChain();
        await using var session = await SyncSession.StartAsync(node.Sync);
        (await session.SendAsync(chain.Next(3), headSeq: 3)).AckedSeq.ShouldBe(3UL);
        (await hub.NodeAsync()).LastSeq.ShouldBe(3);
        (await hub.NodeAsync()).KeyFingerprint.ShouldBe(Mesh.Protocol.Identity.NodePublicKey.Fingerprint(node.Key.ExportSubjectPublicKeyInfo()),
            "the certified key is pinned: the node's checkpoints must be signed by it");
        var actions = (await hub.HubActionsAsync()).Actions;
        actions.Select(a => (a.Action, a.Target)).ShouldContain(("node.token", TestChain.Node));
        actions.ShouldContain(a => a.Action == "node.enroll" && a.Actor == $"node:{TestChain.Node}");
    }

    [Fact]
    public async Task Enroll_TokenUsedTwice_SecondRefusedAsUsed_NoSecondCertificate()
    {
        await using var hub = await HubHarness.StartAsync();
        var token = await TlsNode.TokenAsync(hub, "edge-1", "site-a");
        using var first = TlsNode.Anonymous(hub);
        await first.Enrollment.EnrollAsync(new EnrollRequest { Token = token, Csr = TlsNode.Csr(first.Key) });
        using var second = TlsNode.Anonymous(hub);

        var refused = await Should.ThrowAsync<RpcException>(async () =>
            await second.Enrollment.EnrollAsync(new EnrollRequest { Token = token, Csr = TlsNode.Csr(second.Key) }));

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        refused.Status.Detail.ShouldContain("used already");
        (await hub.HubActionsAsync()).Actions.Count(a => a.Action == "node.enroll").ShouldBe(1);
    }

    [Fact]
    public async Task Enroll_UnknownOrExpiredToken_RefusedWithReason()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:Enrollment:TokenLifetime=00:01:00");
        using var node = TlsNode.Anonymous(hub);
        var unknown = EnrollmentToken.Create(new string('0', 64)).Secret;
        var ex = await Should.ThrowAsync<RpcException>(async () =>
            await node.Enrollment.EnrollAsync(new EnrollRequest { Token = unknown, Csr = TlsNode.Csr(node.Key) }));
        (ex.StatusCode, ex.Status.Detail).ShouldBe((StatusCode.Unauthenticated, "the hub knows no such enrollment token: check it was copied whole, or ask an admin for a new one"));

        using var made = await hub.Http.PostAsJsonAsync("/api/nodes/edge-2/enrollment-tokens", new { site = "site-a", lifetimeSeconds = 1 });
        var expiring = (await made.Content.ReadFromJsonAsync<Mesh.Hub.Enrollment.EnrollmentApi.TokenView>())!;
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow > expiring.ExpiresAt, TimeSpan.FromSeconds(10), "the token's one second of life to pass");
        ex = await Should.ThrowAsync<RpcException>(async () =>
            await node.Enrollment.EnrollAsync(new EnrollRequest { Token = expiring.Token, Csr = TlsNode.Csr(node.Key) }));
        ex.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        ex.Status.Detail.ShouldStartWith("this enrollment token expired at ");
        (await hub.HubActionsAsync()).Actions.ShouldNotContain(a => a.Action == "node.enroll");
    }

    [Fact]
    public async Task Enroll_MalformedCsr_InvalidArgument_TokenStillUsable()
    {
        await using var hub = await HubHarness.StartAsync();
        var token = await TlsNode.TokenAsync(hub, "edge-3", "site-a");
        using var node = TlsNode.Anonymous(hub);

        var ex = await Should.ThrowAsync<RpcException>(async () =>
            await node.Enrollment.EnrollAsync(new EnrollRequest { Token = token, Csr = Google.Protobuf.ByteString.CopyFrom([0x30, 0x03, 1, 2, 3]) }));

        ex.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        ex.Status.Detail.ShouldStartWith("the CSR is not a PKCS#10 request");
        var reply = await node.Enrollment.EnrollAsync(new EnrollRequest { Token = token, Csr = TlsNode.Csr(node.Key) });
        reply.NodeId.ShouldBe("edge-3");
    }

    [Fact]
    public async Task Sync_OtherNodesStream_PermissionDenied_NothingStored()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = await TlsNode.EnrollAsync(hub, "edge-a1", "site-a");

        var ex = await Should.ThrowAsync<RpcException>(() => SyncSession.StartAsync(node.Sync, "edge-a2", "site-a"));

        ex.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        ex.Status.Detail.ShouldBe("this connection's certificate is node 'edge-a1' of site 'site-a'; it may not push the audit stream of node 'edge-a2'");
        using var response = await hub.Http.GetAsync("/api/nodes");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("edge-a2");
    }

    [Fact]
    public async Task Watch_OtherSitesPolicy_PermissionDenied()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = await TlsNode.EnrollAsync(hub, "edge-b1", "site-b");
        using var watch = WatchSession.Open(node.Control, "edge-b1", "site-a");

        var ex = await watch.FailureAsync();

        ex.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        ex.Status.Detail.ShouldContain("may not watch the policy and control stream of site 'site-a'");
    }

    [Fact]
    public async Task Gossip_OtherSite_PermissionDenied()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = await TlsNode.EnrollAsync(hub, "edge-g1", "site-g");

        var ex = await Should.ThrowAsync<RpcException>(async () =>
            await node.Gossip.ExchangeAsync(new GossipRequest { NodeId = "edge-g1", Site = "site-other" }));

        ex.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        ex.Status.Detail.ShouldContain("may not exchange the site state of site 'site-other'");
    }

    [Fact]
    public async Task NoClientCertificate_SyncRefusedUnauthenticated()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = TlsNode.Anonymous(hub);

        var ex = await Should.ThrowAsync<RpcException>(() => SyncSession.StartAsync(node.Sync));

        ex.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        ex.Status.Detail.ShouldStartWith("no client certificate");
    }

    [Fact]
    public async Task CertificateFromAnotherCa_HandshakeRefused()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        var (key, certificate) = TlsNode.FromAnotherCa(TestChain.Node, TestChain.Site);
        using var node = TlsNode.With(hub, key, certificate);

        await RefusedAtHandshakeAsync(() => SyncSession.StartAsync(node.Sync));

        await Poll.UntilAsync(() => hub.Logs.Entries.Any(l => l.Message.Contains("TLS handshake refused", StringComparison.Ordinal) && l.Message.Contains("not issued by this mesh's CA", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5), () => "the hub to log why it refused the handshake");
        (await hub.HubActionsAsync()).Actions.ShouldBeEmpty();
    }

    [Fact]
    public async Task PlaintextNode_WhenHubRequiresMutualTls_RefusedWithWhereToConnect()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);

        var ex = await Should.ThrowAsync<RpcException>(() => SyncSession.StartAsync(hub.Client));

        ex.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        ex.Status.Detail.ShouldContain("mutual TLS only");
    }

    [Fact]
    public async Task Revoke_EndsOpenStream_ThenHandshakeRefused_AndIsAudited()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = await TlsNode.EnrollAsync(hub, "edge-r1", "site-r");
        var chain = new TestChain("edge-r1", "site-r");
        await using var session = await SyncSession.StartAsync(node.Sync, "edge-r1", "site-r");
        (await session.SendAsync(chain.Next(2), headSeq: 2)).AckedSeq.ShouldBe(2UL);

        using var response = await hub.Http.PostAsJsonAsync("/api/nodes/edge-r1/revoke", new { comment = "box stolen" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        var ended = await Should.ThrowAsync<RpcException>(() => session.NextAckAsync());
        ended.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        ended.Status.Detail.ShouldContain("was revoked");
        using var again = TlsNode.With(hub, node.Key, node.Certificate!);
        await RefusedAtHandshakeAsync(() => SyncSession.StartAsync(again.Sync, "edge-r1", "site-r"));
        await Poll.UntilAsync(() => hub.Logs.Entries.Any(l => l.Message.Contains("is revoked", StringComparison.Ordinal)), TimeSpan.FromSeconds(5),
            () => "the hub to log the revoked certificate's refused handshake");
        var revoke = (await hub.HubActionsAsync()).Actions.Single(a => a.Action == "node.revoke");
        (revoke.Actor, revoke.Target).ShouldBe((HubHarness.Actors[0], "edge-r1"));
        revoke.Detail.GetProperty("comment").GetString().ShouldBe("box stolen");
        using var twice = await hub.Http.PostAsJsonAsync("/api/nodes/edge-r1/revoke", new { });
        twice.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Revoked_StaysRevokedAfterHubRestart()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = await TlsNode.EnrollAsync(hub, "edge-r2", "site-r");
        using (var response = await hub.Http.PostAsJsonAsync("/api/nodes/edge-r2/revoke", new { }))
            response.EnsureSuccessStatusCode();

        await hub.RestartAsync();

        using var again = TlsNode.With(hub, node.Key, node.Certificate!);
        await RefusedAtHandshakeAsync(() => SyncSession.StartAsync(again.Sync, "edge-r2", "site-r"));
        await Poll.UntilAsync(() => hub.Logs.Entries.Any(l => l.Message.Contains("is revoked", StringComparison.Ordinal)), TimeSpan.FromSeconds(5),
            () => "the restarted hub to refuse the revoked certificate's handshake");
    }

    [Fact]
    public async Task Renew_OverCurrentIdentity_SameKeyNewSerial_OtherKeyRefused()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var node = await TlsNode.EnrollAsync(hub, "edge-n1", "site-n");

        var reply = await node.Enrollment.RenewAsync(new RenewRequest { Csr = TlsNode.Csr(node.Key) });

        using var renewed = TlsNode.Issued(reply, node.Key);
        renewed.SerialNumber.ShouldNotBe(node.Certificate!.SerialNumber);
        renewed.PublicKey.ExportSubjectPublicKeyInfo().ShouldBe(node.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
        NodeCertificateName.Read(renewed).ShouldBe(("edge-n1", "site-n"));
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var ex = await Should.ThrowAsync<RpcException>(async () => await node.Enrollment.RenewAsync(new RenewRequest { Csr = TlsNode.Csr(other) }));
        ex.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        using var anonymous = TlsNode.Anonymous(hub);
        (await Should.ThrowAsync<RpcException>(async () => await anonymous.Enrollment.RenewAsync(new RenewRequest { Csr = TlsNode.Csr(anonymous.Key) })))
            .StatusCode.ShouldBe(StatusCode.Unauthenticated);
        (await hub.HubActionsAsync()).Actions.Count(a => a.Action == "node.renew").ShouldBe(1);
    }

    [Fact]
    public async Task Ca_MadeAtFirstStart_KeyOwnerOnly_SameCaAfterRestart()
    {
        await using var hub = await HubHarness.StartAsync();
        var folder = Path.Combine(Path.GetDirectoryName(hub.DataPath)!, "ca");
        var fingerprint = EnrollmentToken.FingerprintOf(TlsNode.CaOf(hub).RawData);
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(Path.Combine(folder, "ca.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        await hub.RestartAsync();

        EnrollmentToken.FingerprintOf(TlsNode.CaOf(hub).RawData).ShouldBe(fingerprint);
        EnrollmentToken.Parse(await TlsNode.TokenAsync(hub, "edge-c", "site-c"), out _)!.CaFingerprint.ShouldBe(fingerprint);
    }

    /// <summary>A call whose TLS handshake the hub refuses fails on the client: with TLS 1.3 the server judges the client
    /// certificate after the client's side of the handshake, so the failure reaches the call either as UNAVAILABLE or as
    /// the connection's I/O error. The hub's log says why (each test checks it).</summary>
    private static async Task RefusedAtHandshakeAsync(Func<Task> call)
    {
        var ex = await Should.ThrowAsync<Exception>(call);
        ex.ShouldSatisfyAllConditions(
            () => (ex is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal } or IOException).ShouldBeTrue($"the call failed otherwise: {ex}"));
    }
}
