using System.Globalization;
using Mesh.EndToEnd.Tests.Support;

namespace Mesh.EndToEnd.Tests;

// The system install under a real systemd: `mesh node install` to / as root, as on a branch box, inside a container booted
// with systemd (SystemdContainer), and the unit started with systemctl. The sandbox applies (its own system user, the file
// system read-only but the data folder, no capabilities) and the node under it still enrolls, takes a device's reading and
// syncs it to a real hub on the host's loopback, then stops cleanly.
public sealed partial class NodeInstallTests
{
    [Fact]
    public async Task SystemInstall_StartedBySystemd_RunsAsMeshUserSandboxedAndSyncsToHub()
    {
        await using var box = await SystemdContainer.BootAsync(Timeout, Path.GetDirectoryName(MeshCli.Executable)!, NodeBuild());
        (await box.ExecAsync(Timeout, "getent", "passwd", "mesh")).Code.ShouldBe(2, "the container starts without the mesh user");
        var (statusPort, mqttPort) = (NodeProcess.FreePort(), NodeProcess.FreePort());
        var token = await hub.Hub.CreateEnrollmentTokenAsync("sd-1", "site-sd");

        var install = await box.ExecAsync(Timeout, MeshCli.Executable, "node", "install", "--from", NodeBuild(), "--version", "1.0.0",
            "--node-id", "sd-1", "--site", "site-sd", "--hub", hub.Hub.NodeAddress.ToString(), "--status-url", $"http://127.0.0.1:{statusPort}",
            "--mqtt-port", mqttPort.ToString(CultureInfo.InvariantCulture), "--token", token);
        install.Code.ShouldBe(0, install.Output);
        install.Output.ShouldContain("created system user mesh");
        install.Output.ShouldContain("health check passed");
        install.Output.ShouldContain("systemctl daemon-reload && systemctl enable --now mesh-node");
        var account = (await box.ExecAsync(Timeout, "getent", "passwd", "mesh")).Output.Split(':');
        var uid = int.Parse(account[2], CultureInfo.InvariantCulture);
        uid.ShouldBeInRange(1, 999, "a system user: neither root nor a person's uid");
        account[6].ShouldBe("/usr/sbin/nologin");
        box.Exists("/var/lib/mesh/identity/node.crt").ShouldBeTrue("the install's first start enrolled with the hub");
        var added = await box.ExecAsync(Timeout, MeshCli.Executable, "device", "add", "--site", "site-sd", "--id", "sd-dev", "--file", "/etc/mesh/devices.yaml");
        added.Code.ShouldBe(0, added.Output);
        var password = added.Output.Split('\n').Single(l => l.StartsWith("sd-dev ", StringComparison.Ordinal))["sd-dev ".Length..].Trim();

        (await box.ExecAsync(Timeout, "systemctl", "daemon-reload")).Code.ShouldBe(0);
        var start = await box.ExecAsync(Timeout, "systemctl", "start", "mesh-node");
        start.Code.ShouldBe(0, $"{start.Output}\n{await box.JournalAsync("mesh-node")}");
        var unit = await box.ShowAsync(Timeout, "mesh-node", "ActiveState", "SubState", "MainPID", "User", "ProtectSystem", "ReadWritePaths",
            "ProtectHome", "PrivateTmp", "NoNewPrivileges", "ProtectProc");
        unit["ActiveState"].ShouldBe("active");
        unit["SubState"].ShouldBe("running");
        unit["User"].ShouldBe("mesh");
        unit["ProtectSystem"].ShouldBe("strict");
        unit["ReadWritePaths"].ShouldBe("/var/lib/mesh");
        unit["ProtectHome"].ShouldBe("yes");
        unit["PrivateTmp"].ShouldBe("yes");
        unit["NoNewPrivileges"].ShouldBe("yes");
        unit["ProtectProc"].ShouldBe("invisible");

        // What the kernel says of the running node, not what the unit asks for.
        var pid = unit["MainPID"];
        var status = Fields((await box.ExecAsync(Timeout, "cat", $"/proc/{pid}/status")).Output);
        status["Uid"].Split('\t').ShouldAllBe(id => id == uid.ToString(CultureInfo.InvariantCulture), "real, effective, saved and file-system uid are mesh's");
        status["CapEff"].ShouldBe("0000000000000000");
        status["CapBnd"].ShouldBe("0000000000000000");
        status["NoNewPrivs"].ShouldBe("1");
        status["Seccomp"].ShouldBe("2", "the system call filter is on");
        var mounts = (await box.ExecAsync(Timeout, "cat", $"/proc/{pid}/mountinfo")).Output.Split('\n').Select(l => l.Split(' ')).ToList();
        // mountinfo: field 4 is the mount point, field 5 its options; the last mount on a point is the one seen.
        mounts.Last(m => m[4] == "/")[5].Split(',').ShouldContain("ro", "ProtectSystem=strict: the whole file system read-only");
        mounts.Last(m => m[4] == "/var/lib/mesh")[5].Split(',').ShouldContain("rw", "ReadWritePaths: the data folder writable");

        using var http = new HttpClient();
        await Poll.UntilAsync(async () => await Healthy(http, statusPort), Timeout, () => "/healthz of the node; its journal:\n" + Journal(box));
        await using (var device = await TestDevice.ConnectAsync(mqttPort, "sd-dev", "sd-dev", password))
            (await device.PublishAsync(Readings.Telemetry("site-sd", "sd-dev"), Readings.Temperature(1, 21.5))).ShouldBeTrue();
        await Poll.UntilAsync(async () => HubAudit.CountKind(await HubAudit.ReadAllAsync(hub.Http, "sd-1"), "Observation") == 1, Timeout,
            () => "the reading's observation at the hub; the node's journal:\n" + Journal(box));
        box.Exists("/var/lib/mesh/audit.db").ShouldBeTrue();

        var stop = await box.ExecAsync(Timeout, "systemctl", "stop", "mesh-node");
        stop.Code.ShouldBe(0, stop.Output);
        var stopped = await box.ShowAsync(Timeout, "mesh-node", "ActiveState", "Result", "ExecMainCode", "ExecMainStatus");
        stopped["ActiveState"].ShouldBe("inactive");
        stopped["Result"].ShouldBe("success", "stopped within TimeoutStopSec, not killed");
        stopped["ExecMainStatus"].ShouldBe("0", await box.JournalAsync("mesh-node"));
        var errors = await box.ExecAsync(Timeout, "journalctl", "--unit", "mesh-node", "--priority", "err", "--no-pager", "--quiet");
        errors.Output.ShouldBeEmpty("the node logged no error under the sandbox");
    }

    private static Dictionary<string, string> Fields(string procStatus) =>
        procStatus.Split('\n').Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());

    /// <summary>The node's journal, for a timed-out poll's message (asked once, at the deadline).</summary>
    private static string Journal(SystemdContainer box) => box.JournalAsync("mesh-node").GetAwaiter().GetResult();
}
