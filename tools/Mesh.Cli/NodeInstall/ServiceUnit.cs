using System.Text;

namespace Mesh.Cli.NodeInstall;

/// <summary>
/// The node's systemd unit, hardened. The service runs as its own system user (<c>mesh</c>, created once) rather than
/// <c>DynamicUser=</c>: the configuration holds secrets (enrollment and site tokens) and is readable by that user's group
/// only (0640 root:mesh), which needs a user that exists when the file is written; a stable uid also keeps the node's
/// key and certificates under <c>/var/lib/mesh/identity</c> owned by the same user across restarts, upgrades and backups.
/// </summary>
public static class ServiceUnit
{
    /// <summary>The unit's text for <paramref name="layout"/>, running <paramref name="user"/>.</summary>
    public static string Render(InstallLayout layout, string user)
    {
        var s = new StringBuilder();
        s.AppendLine("# Written by 'mesh node install'; installing again rewrites it. docs/OPERATIONS.md explains each setting.");
        s.AppendLine("[Unit]");
        s.AppendLine("Description=Mesh node: MQTT ingest, decisions, audit journal and hub sync");
        s.AppendLine("After=network-online.target");
        s.AppendLine("Wants=network-online.target");
        s.AppendLine();
        s.AppendLine("[Service]");
        // Microsoft.Extensions.Hosting.Systemd tells systemd when the host has started (READY=1).
        s.AppendLine("Type=notify");
        s.AppendLine($"User={user}");
        s.AppendLine($"Group={user}");
        s.AppendLine($"ExecStart={ExecStart(layout)}");
        s.AppendLine($"WorkingDirectory={layout.DataDirectory}");
        s.AppendLine("Restart=on-failure");
        s.AppendLine("RestartSec=5s");
        // A node flushes its journal and disconnects on SIGTERM; give it time before SIGKILL.
        s.AppendLine("TimeoutStopSec=30s");
        s.AppendLine("UMask=0027");
        s.AppendLine("LimitNOFILE=65536");
        s.AppendLine("Environment=DOTNET_CLI_TELEMETRY_OPTOUT=1");
        s.AppendLine();
        s.AppendLine("# Sandbox: the node writes only its data folder.");
        s.AppendLine("ProtectSystem=strict");
        s.AppendLine($"ReadWritePaths={layout.DataDirectory}");
        s.AppendLine("ProtectHome=yes");
        s.AppendLine("PrivateTmp=yes");
        s.AppendLine("PrivateDevices=yes");
        s.AppendLine("NoNewPrivileges=yes");
        s.AppendLine("CapabilityBoundingSet=");
        s.AppendLine("AmbientCapabilities=");
        s.AppendLine("ProtectKernelTunables=yes");
        s.AppendLine("ProtectKernelModules=yes");
        s.AppendLine("ProtectKernelLogs=yes");
        s.AppendLine("ProtectControlGroups=yes");
        s.AppendLine("ProtectClock=yes");
        s.AppendLine("ProtectHostname=yes");
        s.AppendLine("ProtectProc=invisible");
        s.AppendLine("RestrictNamespaces=yes");
        s.AppendLine("RestrictRealtime=yes");
        s.AppendLine("RestrictSUIDSGID=yes");
        s.AppendLine("LockPersonality=yes");
        s.AppendLine("RemoveIPC=yes");
        s.AppendLine("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6");
        s.AppendLine("SystemCallArchitectures=native");
        s.AppendLine("SystemCallFilter=@system-service");
        s.AppendLine("SystemCallErrorNumber=EPERM");
        s.AppendLine("# MemoryDenyWriteExecute= stays off: the .NET JIT makes memory executable at run time, which it forbids.");
        s.AppendLine();
        s.AppendLine("[Install]");
        s.AppendLine("WantedBy=multi-user.target");
        return s.ToString();
    }

    /// <summary>The command the unit runs: the current release's executable with the configuration file.</summary>
    public static string ExecStart(InstallLayout layout) => $"{layout.Executable} --config {layout.ConfigFile}";

    /// <summary>The <c>ExecStart=</c> command line of a unit file, split into words; null when it has none.</summary>
    public static string[]? ReadExecStart(string unitFile) =>
        File.ReadLines(unitFile).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)) is { } line
            ? line["ExecStart=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : null;
}
