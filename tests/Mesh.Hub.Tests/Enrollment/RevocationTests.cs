using System.Diagnostics;
using System.Net.Http.Json;
using Grpc.Core;
using Mesh.Hub.Tests.Storage;
using Mesh.Hub.Tests.Support;

namespace Mesh.Hub.Tests.Enrollment;

/// <summary>Revocations reaching the nodes (the watch stream's revocation list) and the other hubs of a shared
/// PostgreSQL database (<c>Hub:Enrollment:RevocationRefresh</c>), over the hubs' real TLS endpoints.</summary>
public sealed class RevocationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static string[] MtlsOnly => ["--Hub:Enrollment:PlaintextNodes=false"];

    [Fact]
    public async Task Watch_ListAtStartAndOnEveryRevocation_ToEveryNode()
    {
        await using var hub = await HubHarness.StartAsync(MtlsOnly);
        using var watcher = await TlsNode.EnrollAsync(hub, "edge-w1", "site-w");
        using var revoked = await TlsNode.EnrollAsync(hub, "edge-w2", "site-x");
        using var watch = WatchSession.Open(watcher.Control, "edge-w1", "site-w");
        var atStart = await watch.NextRevocationsAsync();
        (atStart.Count, atStart.Serials.Count).ShouldBe((0UL, 0));

        await RevokeAsync(hub, "edge-w2");

        var live = await watch.NextRevocationsAsync();
        live.Serials.ShouldBe([revoked.Certificate!.SerialNumber]);
        live.Count.ShouldBe(1UL);
        using var later = WatchSession.Open(watcher.Control, "edge-w1", "site-w");
        (await later.NextRevocationsAsync()).Serials.ShouldBe([revoked.Certificate.SerialNumber], "a new watch starts with the list");
    }

    [Fact]
    public async Task SharedPostgres_RevokedOnHubA_HubBEndsOpenStreamRefusesNextCallAndTellsItsNodes()
    {
        await using var a = await HubHarness.StartAsync([.. MtlsOnly, .. database.HubArgs]);
        var ca = Path.Combine(Path.GetDirectoryName(a.DataPath)!, "ca");
        await using var b = await HubHarness.StartAsync([.. MtlsOnly, .. database.HubArgs, "--Hub:Enrollment:RevocationRefresh=00:00:00.5",
            $"--Hub:Enrollment:CaCertificatePath={Path.Combine(ca, "ca.crt")}", $"--Hub:Enrollment:CaKeyPath={Path.Combine(ca, "ca.key")}"]);
        using var enrolled = await TlsNode.EnrollAsync(a, "edge-p1", "site-p");
        using var node = TlsNode.With(b, enrolled.Key, enrolled.Certificate!);
        using var enrolledOther = await TlsNode.EnrollAsync(a, "edge-p2", "site-p");
        using var other = TlsNode.With(b, enrolledOther.Key, enrolledOther.Certificate!);
        using var open = WatchSession.Open(node.Control, "edge-p1", "site-p");
        (await open.NextRevocationsAsync()).Serials.ShouldBeEmpty();
        using var bystander = WatchSession.Open(other.Control, "edge-p2", "site-p");
        (await bystander.NextRevocationsAsync()).Serials.ShouldBeEmpty();

        var revokedAt = Stopwatch.StartNew();
        await RevokeAsync(a, "edge-p1");

        var ended = await open.FailureAsync();
        revokedAt.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "hub B re-reads the store every 0.5 s");
        (ended.StatusCode, ended.Status.Detail).ShouldBe((StatusCode.PermissionDenied,
            "node 'edge-p1' was revoked by an admin; this stream ends and its certificate is refused from now on"));
        // The same channel, so the same TLS connection: the hub's per-call check refuses it.
        var next = await Should.ThrowAsync<RpcException>(() => SyncSession.StartAsync(node.Sync, "edge-p1", "site-p"));
        (next.StatusCode, next.Status.Detail).ShouldBe((StatusCode.PermissionDenied,
            $"the certificate of node 'edge-p1' (serial {enrolled.Certificate!.SerialNumber}) is revoked"));
        (await bystander.NextRevocationsAsync()).Serials.ShouldBe([enrolled.Certificate.SerialNumber]);
        b.Logs.Entries.ShouldContain(e => e.EventId.Id == 8108 && e.Message.Contains(enrolled.Certificate.SerialNumber, StringComparison.Ordinal));
    }

    private static async Task RevokeAsync(HubHarness hub, string node)
    {
        using var response = await hub.Http.PostAsJsonAsync($"/api/nodes/{node}/revoke", new { comment = "test" });
        response.EnsureSuccessStatusCode();
    }
}
