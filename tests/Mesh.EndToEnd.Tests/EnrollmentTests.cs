using System.Security.Cryptography.X509Certificates;
using Mesh.Cli.Audit;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Audit;
using Mesh.Node.Identity;

namespace Mesh.EndToEnd.Tests;

/// <summary>Enrollment and mutual TLS with real processes: a mesh-node that enrolls by itself at first start, syncs
/// over mutual TLS, renews its short-lived certificate and is cut off when revoked; and the mesh CLI's enroll.</summary>
public sealed class EnrollmentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NodeProcess_EnrollsAtStart_SyncsOverMutualTls_Renews_AndIsCutOffWhenRevoked()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"), port: 0, Microsoft.Extensions.Logging.LogLevel.Warning,
            "--Hub:Enrollment:PlaintextNodes=false", "--Hub:Enrollment:CertificateLifetime=00:00:15");
        var token = await hub.CreateEnrollmentTokenAsync("edge-m", "site-m");
        var data = dir.Sub("edge-m");
        var port = NodeProcess.FreePort();
        using var node = await NodeProcess.StartAsync(port, NodeArgs.For("edge-m", "site-m", data, hub.NodeAddress.ToString(),
            $"--Node:Enrollment:Token={token}", "--Logging:LogLevel:Mesh.Node.Identity=Information"));
        var journalPath = Path.Combine(data, AuditJournalStore.FileName);
        await using var device = await TestDevice.ConnectAsync(port, "dev-1");

        await Poll.UntilAsync(() => File.Exists(NodeCertificateFiles.CertificatePath(data)), Timeout, () => $"the node to enroll; its output:\n{node.Output}");
        var (first, firstEnds) = Current(data);
        for (var seq = 1; seq <= 5; seq++)
            (await device.PublishAsync(Readings.Telemetry("site-m", "dev-1"), Readings.Temperature(seq, 21))).ShouldBeTrue();
        await Poll.UntilAsync(async () => (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-m")).Verdict.Head.Sequence == JournalCounts.Read(journalPath).Records
                && JournalCounts.Read(journalPath).Observations == 5,
            Timeout, () => $"the hub to hold the node's journal, synced over mutual TLS; node output:\n{node.Output}");

        await Poll.UntilAsync(() => Current(data).Serial != first, Timeout, () => $"the node to renew its 15 s certificate; node output:\n{node.Output}");
        File.ReadAllText(NodeKey.PathFor(data)).ShouldNotBeEmpty();
        for (var seq = 6; seq <= 10; seq++)
            (await device.PublishAsync(Readings.Telemetry("site-m", "dev-1"), Readings.Temperature(seq, 21))).ShouldBeTrue();
        // Past the first certificate's end, so the sync must run on the renewed one.
        await Poll.UntilAsync(() => DateTime.UtcNow > firstEnds, Timeout, "the first certificate to expire");
        await Poll.UntilAsync(async () => JournalCounts.Read(journalPath).Observations == 10
                && (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-m")).Verdict.Head.Sequence == JournalCounts.Read(journalPath).Records,
            Timeout, () => $"the hub to hold the records made after renewal; node output:\n{node.Output}");
        var verdict = await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-m");
        verdict.Ok.ShouldBeTrue(verdict.Describe());

        var revoke = await MeshCli.RunWithHubTokenAsync(Timeout, hub.AdminToken, "node", "revoke", "edge-m", "--hub", hub.Address.ToString(), "--comment", "test");
        revoke.ExitCode.ShouldBe(0, revoke.ToString());
        revoke.Stdout.ShouldContain("Revoked node edge-m");
        await Poll.UntilAsync(() => node.Output.Contains("was revoked by an admin", StringComparison.Ordinal), Timeout,
            () => $"the node to log why its streams ended; output:\n{node.Output}");
        (await device.PublishAsync(Readings.Telemetry("site-m", "dev-1"), Readings.Temperature(11, 21))).ShouldBeTrue("a revoked node keeps deciding locally");
        await Poll.UntilAsync(() => JournalCounts.Read(journalPath).Observations == 11, Timeout, "the reading after revocation in the node's journal");
        (await AuditChainChecker.VerifyHubAsync(hub.Http, "edge-m")).Verdict.Head.Sequence.ShouldBeLessThan(JournalCounts.Read(journalPath).Records,
            "the hub takes nothing more from a revoked node");
    }

    [Fact]
    public async Task MeshEnroll_WritesIdentity_SecondUseOfTokenRefused_WrongCaFingerprintRefused()
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        var token = await hub.CreateEnrollmentTokenAsync("edge-e", "site-e");

        var enrolled = await MeshCli.RunAsync(Timeout, "enroll", "--hub", hub.NodeAddress.ToString(), "--token", token, "--data", dir.Sub("edge-e"));

        enrolled.ExitCode.ShouldBe(0, enrolled.ToString());
        enrolled.Stdout.ShouldContain("Enrolled node edge-e of site site-e");
        using (var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(NodeCertificateFiles.CertificatePath(dir.Sub("edge-e")))))
            Mesh.Protocol.Identity.NodeCertificateName.Read(certificate).ShouldBe(("edge-e", "site-e"));
        File.Exists(NodeCertificateFiles.CaPath(dir.Sub("edge-e"))).ShouldBeTrue();

        var reused = await MeshCli.RunAsync(Timeout, "enroll", "--hub", hub.NodeAddress.ToString(), "--token", token, "--data", dir.Sub("edge-x"));
        reused.ExitCode.ShouldBe(1, reused.ToString());
        reused.Stderr.ShouldContain("this enrollment token was used already");
        File.Exists(NodeCertificateFiles.CertificatePath(dir.Sub("edge-x"))).ShouldBeFalse();

        var other = await hub.CreateEnrollmentTokenAsync("edge-f", "site-e");
        var forged = other[..(other.IndexOf('.') + 1)] + new string('a', 64);
        var wrongHub = await MeshCli.RunAsync(Timeout, "enroll", "--hub", hub.NodeAddress.ToString(), "--token", forged, "--data", dir.Sub("edge-f"));
        wrongHub.ExitCode.ShouldBe(1, wrongHub.ToString());
        wrongHub.Stderr.ShouldContain("is not the hub this token is for");
        File.Exists(NodeCertificateFiles.CertificatePath(dir.Sub("edge-f"))).ShouldBeFalse();
    }

    private static (string Serial, DateTime NotAfter) Current(string data)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(NodeCertificateFiles.CertificatePath(data)));
        return (certificate.SerialNumber, certificate.NotAfter.ToUniversalTime());
    }
}
