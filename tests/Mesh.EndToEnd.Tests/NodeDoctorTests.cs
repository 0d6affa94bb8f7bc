using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Cli.NodeDoctor;
using Mesh.Cli.NodeInstall;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary><c>mesh node doctor</c> on real files, sockets and certificates: a good node passes every check, and each bad
/// thing fails (or warns) under its own check's name with what to fix.</summary>
public sealed class NodeDoctorTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Doctor_GoodNode_EveryCheckOkAndExitZero()
    {
        using var dir = new TempDirectory();
        // A budget any test machine has room for twice over, so that the disk check is ok rather than a warning.
        var config = WriteConfig(dir, "doc-ok", "\"Journal\": { \"DiskBudgetBytes\": 16777216 },");
        WriteIdentity(dir.Sub("data"), _now.AddDays(-1), _now.AddDays(30));

        var result = await MeshCli.RunAsync(TimeSpan.FromSeconds(60), "node", "doctor", "--config", config);

        result.ExitCode.ShouldBe(0, result.ToString());
        foreach (var check in new[] { "config", "profile", "broker", "hub", "certificate", "journal", "disk" })
            result.Stdout.ShouldContain($"ok    {check}");
        result.Stdout.Split('\n').ShouldNotContain(l => l.StartsWith("FAIL", StringComparison.Ordinal) || l.StartsWith("warn", StringComparison.Ordinal));
        result.Stdout.ShouldContain("no failures (0 warnings)");
    }

    [Fact]
    public async Task Doctor_DamagedJournal_WarnsItWillBeRebuilt_FailsWhenRefused_WarnsOfAKeptCopy()
    {
        using var dir = new TempDirectory();
        var data = dir.Sub("data");
        Directory.CreateDirectory(data);
        var journal = Path.Combine(data, Mesh.Node.Audit.AuditJournalStore.FileName);
        var garbage = new byte[8192];
        new Random(5).NextBytes(garbage);
        await File.WriteAllBytesAsync(journal, garbage);

        var rebuild = await Check(WriteConfig(dir, "doc-j"), "journal");
        rebuild.Level.ShouldBe(DoctorLevel.Warn);
        rebuild.What.ShouldContain("is damaged (SQLite error 26)");
        rebuild.Fix!.ShouldContain("rebuilds it at its next start");
        var refuse = await Check(WriteConfig(dir, "doc-j", "\"Journal\": { \"OnDamage\": \"Refuse\" },"), "journal");
        refuse.Level.ShouldBe(DoctorLevel.Fail);

        File.Move(journal, journal + ".damaged-20261124T120000Z");
        await using (var fresh = new Mesh.Node.Audit.AuditJournal(journal, "doc-j", "site-a", new Mesh.Protocol.Time.HybridLogicalClock("doc-j"),
            new Mesh.Node.JournalOptions { SignCheckpoints = false }, Microsoft.Extensions.Logging.Abstractions.NullLogger<Mesh.Node.Audit.AuditJournal>.Instance))
            await fresh.AppendAsync([new Mesh.Node.Audit.AuditDraft(Mesh.Protocol.Audit.AuditKind.Observation, "d", "d#1", new byte[32],
                Mesh.Protocol.Audit.AuditRoute.None, "", "", "", "accepted", "{}")]);
        var kept = await Check(WriteConfig(dir, "doc-j"), "journal");
        kept.Level.ShouldBe(DoctorLevel.Warn);
        kept.What.ShouldContain("head 1");
        kept.What.ShouldContain("audit.db.damaged-20261124T120000Z");
    }

    [Fact]
    public async Task Doctor_InvalidConfig_FailsNamingTheKeyAndExitOne()
    {
        using var dir = new TempDirectory();
        var config = WriteConfig(dir, "bad/id");

        var result = await MeshCli.RunAsync(TimeSpan.FromSeconds(60), "node", "doctor", "--config", config);

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stdout.ShouldContain("FAIL  config");
        result.Stdout.ShouldContain("Node:NodeId");
    }

    [Fact]
    public async Task Doctor_UnknownProfile_FailsNamingTheProfile()
    {
        using var dir = new TempDirectory();
        var finding = await Check(WriteConfig(dir, "doc-p", "\"Profile\": \"no-such-box\","), "profile");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain("no-such-box");
        finding.Fix!.ShouldContain("generic-x64-cpu", customMessage: "the fix lists the profiles there are");
    }

    [Fact]
    public async Task Doctor_BrokerPortTaken_FailsOnBroker()
    {
        using var dir = new TempDirectory();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var finding = await Check(WriteConfig(dir, "doc-b", mqttPort: port), "broker");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain($"127.0.0.1:{port} is taken");
    }

    [Fact]
    public async Task Doctor_HubUnreachable_FailsOnHub()
    {
        using var dir = new TempDirectory();
        var closed = NodeProcess.FreePort();
        var finding = await Check(WriteConfig(dir, "doc-h", hubUrl: $"http://127.0.0.1:{closed}"), "hub");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain("connection refused");
    }

    [Fact]
    public async Task Doctor_CertificateExpired_Fails()
    {
        using var dir = new TempDirectory();
        WriteIdentity(dir.Sub("data"), _now.AddDays(-60), _now.AddDays(-1));
        var finding = await Check(WriteConfig(dir, "doc-c1"), "certificate");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain("expired");
    }

    [Fact]
    public async Task Doctor_CertificateExpiresInThreeDays_Warns()
    {
        using var dir = new TempDirectory();
        WriteIdentity(dir.Sub("data"), _now.AddDays(-30), _now.AddDays(3));
        var finding = await Check(WriteConfig(dir, "doc-c2"), "certificate");
        finding.Level.ShouldBe(DoctorLevel.Warn);
        finding.What.ShouldContain("expires");
    }

    [Fact]
    public async Task Doctor_KeyOfAnotherCertificate_Fails()
    {
        using var dir = new TempDirectory();
        var data = dir.Sub("data");
        WriteIdentity(data, _now.AddDays(-1), _now.AddDays(30));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(Path.Combine(data, "identity", "node.key"), other.ExportPkcs8PrivateKeyPem());
        var finding = await Check(WriteConfig(dir, "doc-c3"), "certificate");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain("does not match");
    }

    [Fact]
    public async Task Doctor_CertificateOfAnotherCa_Fails()
    {
        using var dir = new TempDirectory();
        var data = dir.Sub("data");
        WriteIdentity(data, _now.AddDays(-1), _now.AddDays(30));
        using var otherCa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var foreign = new CertificateRequest("CN=other-ca", otherCa, HashAlgorithmName.SHA256).CreateSelfSigned(_now.AddDays(-1), _now.AddDays(30));
        await File.WriteAllTextAsync(Path.Combine(data, "identity", "ca.crt"), foreign.ExportCertificatePem());
        var finding = await Check(WriteConfig(dir, "doc-c4"), "certificate");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain("is not issued by");
    }

    [Fact]
    public async Task Doctor_BudgetBeyondFreeSpace_FailsOnDisk()
    {
        using var dir = new TempDirectory();
        var config = WriteConfig(dir, "doc-d", "\"Journal\": { \"DiskBudgetBytes\": 1125899906842624 },");
        var finding = await Check(config, "disk");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain("journal budget 1048576.0 GiB");
        finding.Fix!.ShouldContain("Node:Journal:DiskBudgetBytes");
    }

    [Fact]
    public async Task Doctor_MissingConfigFile_FailsOnConfig()
    {
        using var dir = new TempDirectory();
        var finding = await Check(dir.Sub("nope.json"), "config");
        finding.Level.ShouldBe(DoctorLevel.Fail);
        finding.What.ShouldContain("does not exist");
    }

    private async Task<DoctorFinding> Check(string config, string check)
    {
        var findings = await new NodeDoctor(config, null, null, TimeProvider.System).RunAsync(CancellationToken.None);
        return findings.Single(f => f.Check == check);
    }

    private string WriteConfig(TempDirectory dir, string nodeId, string extra = "", int? mqttPort = null, string? hubUrl = null)
    {
        var data = dir.Sub("data");
        Directory.CreateDirectory(data);
        var path = dir.Sub("mesh-node.json");
        File.WriteAllText(path, $$"""
            { "Node": { {{extra}}
              "NodeId": "{{nodeId}}", "Site": "site-doc", "DataDirectory": "{{data}}",
              "Mqtt": { "Port": {{mqttPort ?? NodeProcess.FreePort()}} },
              "Sync": { "HubUrl": "{{hubUrl ?? hub.Hub.Address.ToString()}}" } } }
            """);
        return path;
    }

    /// <summary>A CA and a node certificate it signed, as enrollment leaves them in <c>&lt;data&gt;/identity</c>.</summary>
    private static void WriteIdentity(string data, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var identity = Path.Combine(data, "identity");
        Directory.CreateDirectory(identity);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=mesh-hub-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(notBefore.AddDays(-1), notAfter.AddDays(365));
        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var nodeRequest = new CertificateRequest("CN=doc-node", nodeKey, HashAlgorithmName.SHA256);
        using var node = nodeRequest.Create(ca, notBefore, notAfter, [1, 2, 3, 4]);
        File.WriteAllText(Path.Combine(identity, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(identity, "node.crt"), node.ExportCertificatePem());
        File.WriteAllText(Path.Combine(identity, "node.key"), nodeKey.ExportPkcs8PrivateKeyPem());
    }
}
