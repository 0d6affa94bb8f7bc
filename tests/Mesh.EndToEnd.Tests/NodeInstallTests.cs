using System.Diagnostics;
using System.Text;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// <c>mesh node install</c> into a temp prefix, from the node this build made (a self-contained publish takes minutes and
/// lays out the same files, less the shared runtime: the layout, unit and switch-over under test do not depend on which).
/// The unit is verified by systemd-analyze and its <c>ExecStart=</c> line, read back from the file, runs a node that syncs
/// to a real hub.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class NodeInstallTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Install_FromBuiltNode_LayoutModesUnitVerifiedAndExecStartSyncsToHub()
    {
        using var dir = new TempDirectory();
        var prefix = dir.Sub("root");
        var (statusPort, mqttPort) = (NodeProcess.FreePort(), NodeProcess.FreePort());
        // As an operator installs a branch box: a one-time token from the hub's admin, the hub's mutual-TLS address.
        var token = await hub.Hub.CreateEnrollmentTokenAsync("inst-1", "site-inst");
        var result = await InstallAsync(prefix, "1.0.0", "--node-id", "inst-1", "--site", "site-inst", "--hub", hub.Hub.NodeAddress.ToString(),
            "--status-url", $"http://127.0.0.1:{statusPort}", "--mqtt-port", mqttPort.ToString(), "--token", token);
        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("health check passed");
        result.Stdout.ShouldContain("mesh device add --site site-inst");
        result.Stdout.ShouldContain("the first start enrolls with");

        Mode(Path.Combine(prefix, "etc/mesh")).ShouldBe("750");
        Mode(Path.Combine(prefix, "etc/mesh/mesh-node.json")).ShouldBe("640");
        Mode(Path.Combine(prefix, "var/lib/mesh")).ShouldBe("750");
        new FileInfo(Path.Combine(prefix, "opt/mesh/current")).LinkTarget.ShouldBe("releases/1.0.0");
        var release = Path.Combine(prefix, "opt/mesh/releases/1.0.0");
        File.Exists(Path.Combine(release, "mesh-node")).ShouldBeTrue();
        Directory.Exists(Path.Combine(release, "runtimes", "win-x64")).ShouldBeFalse("other platforms' native libraries stay out");
        Directory.Exists(Path.Combine(release, "runtimes", "osx-arm64")).ShouldBeFalse();
        var config = await File.ReadAllTextAsync(Path.Combine(prefix, "etc/mesh/mesh-node.json"));
        config.ShouldContain($"\"Token\": \"{token}\"");
        config.ShouldContain("devices.yaml");
        // The first start (the installer's health check) enrolled: the node's certificate and the hub's CA beside its key.
        File.Exists(Path.Combine(prefix, "var/lib/mesh/identity/node.crt")).ShouldBeTrue(result.ToString());
        File.Exists(Path.Combine(prefix, "var/lib/mesh/identity/ca.crt")).ShouldBeTrue();
        var added = await MeshCli.RunAsync(Timeout, "device", "add", "--site", "site-inst", "--id", "inst-dev", "--file", Path.Combine(prefix, "etc/mesh/devices.yaml"));
        added.ExitCode.ShouldBe(0, added.ToString());
        Mode(Path.Combine(prefix, "etc/mesh/devices.yaml")).ShouldBe("640", "the installer wrote it like the configuration, and adding a device keeps that");
        var password = added.Stdout.Split('\n').Single(l => l.StartsWith("inst-dev ", StringComparison.Ordinal))["inst-dev ".Length..].Trim();

        var unit = Path.Combine(prefix, "etc/systemd/system/mesh-node.service");
        var text = await File.ReadAllTextAsync(unit);
        foreach (var directive in new[] { "ProtectSystem=strict", $"ReadWritePaths={prefix}/var/lib/mesh", "ProtectHome=yes", "PrivateTmp=yes",
                     "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service", "Restart=on-failure", "User=mesh" })
            text.ShouldContain(directive);
        text.Split('\n').ShouldNotContain(l => l.StartsWith("MemoryDenyWriteExecute=", StringComparison.Ordinal), "the .NET JIT needs writable-then-executable memory");
        var (verifyCode, verifyOutput) = await Tool.RunAsync(Timeout, "systemd-analyze", "verify", "--man=no", unit);
        verifyCode.ShouldBe(0, verifyOutput);
        verifyOutput.ShouldBeEmpty("systemd-analyze prints no warning");

        var execStart = text.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ');
        execStart[0].ShouldBe($"{prefix}/opt/mesh/current/mesh-node");
        var output = new StringBuilder();
        var psi = new ProcessStartInfo(execStart[0]) { WorkingDirectory = Path.Combine(prefix, "var/lib/mesh") };
        foreach (var arg in execStart.Skip(1))
            psi.ArgumentList.Add(arg);
        using var node = CapturedProcess.Start(psi, output);
        try
        {
            using var http = new HttpClient();
            await Poll.UntilAsync(async () => await Healthy(http, statusPort), Timeout, () => $"/healthz of the installed node; it said:\n{Said(output)}");
            await using var device = await TestDevice.ConnectAsync(mqttPort, "inst-dev", "inst-dev", password);
            (await device.PublishAsync(Readings.Telemetry("site-inst", "inst-dev"), Readings.Temperature(1, 21.5))).ShouldBeTrue();
            await Poll.UntilAsync(async () => HubAudit.CountKind(await HubAudit.ReadAllAsync(hub.Http, "inst-1"), "Observation") == 1, Timeout,
                () => $"the reading's observation at the hub; the node said:\n{Said(output)}");
            File.Exists(Path.Combine(prefix, "var/lib/mesh/audit.db")).ShouldBeTrue("the journal lives in the data folder");
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Upgrade_HealthyNewVersion_KeepsConfigAndDataAndSwitchesCurrent()
    {
        using var dir = new TempDirectory();
        var prefix = dir.Sub("root");
        (await FirstInstallAsync(prefix, "inst-up")).ExitCode.ShouldBe(0);
        var configPath = Path.Combine(prefix, "etc/mesh/mesh-node.json");
        var config = await File.ReadAllTextAsync(configPath);
        var journal = Path.Combine(prefix, "var/lib/mesh/audit.db");
        var recordsBefore = JournalFile.ReadAll(journal).Count;
        recordsBefore.ShouldBeGreaterThan(0, "the first release's health check ran the node on the data folder");

        var upgrade = await InstallAsync(prefix, "1.0.1");
        upgrade.ExitCode.ShouldBe(0, upgrade.ToString());
        upgrade.Stdout.ShouldContain("kept");
        upgrade.Stdout.ShouldContain("(was 1.0.0)");
        new FileInfo(Path.Combine(prefix, "opt/mesh/current")).LinkTarget.ShouldBe("releases/1.0.1");
        (await File.ReadAllTextAsync(configPath)).ShouldBe(config);
        JournalFile.ReadAll(journal).Count.ShouldBeGreaterThanOrEqualTo(recordsBefore, "the new release went on with the same journal");
        Directory.Exists(Path.Combine(prefix, "opt/mesh/releases/1.0.0")).ShouldBeTrue("the earlier release stays for a manual rollback");
    }

    [Fact]
    public async Task Upgrade_BrokenNewVersion_FailsHealthCheckAndRollsCurrentBack()
    {
        using var dir = new TempDirectory();
        var prefix = dir.Sub("root");
        (await FirstInstallAsync(prefix, "inst-rb")).ExitCode.ShouldBe(0);
        var journal = Path.Combine(prefix, "var/lib/mesh/audit.db");
        var recordsBefore = JournalFile.ReadAll(journal).Count;

        var broken = dir.Sub("broken");
        CopyDirectory(NodeBuild(), broken);
        await File.WriteAllTextAsync(Path.Combine(broken, "mesh-node.dll"), "not an assembly");
        var upgrade = await MeshCli.RunAsync(Timeout, "node", "install", "--prefix", prefix, "--from", broken, "--version", "2.0.0", "--health-timeout", "30");

        upgrade.ExitCode.ShouldBe(1, upgrade.ToString());
        upgrade.Stdout.ShouldContain("health check FAILED");
        upgrade.Stdout.ShouldContain("rolled back");
        new FileInfo(Path.Combine(prefix, "opt/mesh/current")).LinkTarget.ShouldBe("releases/1.0.0");
        JournalFile.ReadAll(journal).Count.ShouldBe(recordsBefore, "the broken release wrote nothing");
    }

    [Fact]
    public async Task Install_InvalidNodeId_RefusedNamingTheKeyAndNothingWritten()
    {
        using var dir = new TempDirectory();
        var prefix = dir.Sub("root");
        var result = await InstallAsync(prefix, "1.0.0", "--node-id", "bad/id", "--site", "site-x", "--hub", "http://127.0.0.1:1");
        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stdout.ShouldContain("Node:NodeId");
        File.Exists(Path.Combine(prefix, "etc/mesh/mesh-node.json")).ShouldBeFalse();
        Directory.Exists(Path.Combine(prefix, "opt/mesh/releases/1.0.0")).ShouldBeFalse();
    }

    [Fact]
    public async Task Install_FolderBuiltForAnotherRuntime_RefusedNamingBothAndNothingWritten()
    {
        using var dir = new TempDirectory();
        var prefix = dir.Sub("root");
        var (built, other) = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? ("linux-arm64", "linux-x64") : ("linux-x64", "linux-arm64");
        var result = await InstallAsync(prefix, "1.0.0", "--runtime", other, "--node-id", "inst-rt", "--site", "site-x", "--hub", "http://127.0.0.1:1");
        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stdout.ShouldContain($"is built for {built}, not {other}");
        Directory.Exists(prefix).ShouldBeFalse();
    }

    private Task<MeshCli.Result> FirstInstallAsync(string prefix, string nodeId) =>
        InstallAsync(prefix, "1.0.0", "--node-id", nodeId, "--site", "site-inst", "--hub", hub.Hub.Address.ToString(),
            "--status-url", $"http://127.0.0.1:{NodeProcess.FreePort()}", "--mqtt-port", NodeProcess.FreePort().ToString());

    private static Task<MeshCli.Result> InstallAsync(string prefix, string version, params string[] more) =>
        MeshCli.RunAsync(Timeout, ["node", "install", "--prefix", prefix, "--from", NodeBuild(), "--version", version, .. more]);

    internal static string NodeBuild() => Path.GetDirectoryName(BuiltExecutable.Find("edge-node", "Mesh.Node.Host", "mesh-node"))!;

    private static async Task<bool> Healthy(HttpClient http, int port)
    {
        try
        {
            return await http.GetStringAsync($"http://127.0.0.1:{port}/healthz") == "ok";
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    private static string Said(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
