using System.Diagnostics;
using System.Text.RegularExpressions;
using Mesh.Node;
using Mesh.Protocol.Devices;
using Microsoft.Extensions.Options;

namespace Mesh.Cli.NodeInstall;

/// <summary>
/// Lays a published node out under a prefix and switches <c>current</c> to it. The configuration and data of an existing
/// install are kept; the new release must pass its health check, else <c>current</c> goes back to the release it linked
/// before. Bad input is refused before anything is written.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class Installer(InstallRequest request, TextWriter output)
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    private const UnixFileMode ConfigMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode PublicDirectoryMode = DirectoryMode | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode UnitMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private InstallLayout Layout => request.Layout;

    /// <summary>A release folder name: letters, digits, dots, dashes and underscores.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex VersionPattern();

    /// <returns>An exit code: <see cref="ExitCodes.Ok"/>, or <see cref="ExitCodes.Failure"/> with the reason printed.</returns>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var problem = CheckSource();
        if (problem is not null)
            return Fail(problem);
        var previous = Layout.CurrentVersion();
        if (previous == request.Version)
            return Fail($"version {request.Version} is already installed and current in {Layout.Release(request.Version)}: give a new --version");

        foreach (var dir in new[] { Layout.ConfigDirectory, Layout.DataDirectory })
            CreateDirectory(dir, DirectoryMode);
        CreateDirectory(Layout.ReleasesDirectory, PublicDirectoryMode);
        CreateDirectory(Path.GetDirectoryName(Layout.UnitFile)!, PublicDirectoryMode);

        var config = WriteConfig();
        if (config.Problem is not null)
            return Fail(config.Problem);
        Step(config.Kept ? $"kept {Layout.ConfigFile} (an upgrade never rewrites the configuration)" : $"wrote {Layout.ConfigFile} (0640)");
        if (request.Settings is { } settings && !File.Exists(Layout.DevicesFile))
        {
            // Written here, so that it has the configuration's mode and group: 'mesh device add' keeps them when it adds devices.
            File.WriteAllText(Layout.DevicesFile, DeviceListLoader.Write(new DeviceList(settings.Site, [])));
            File.SetUnixFileMode(Layout.DevicesFile, ConfigMode);
            Step($"wrote {Layout.DevicesFile} (0640, no devices yet)");
        }

        var release = Layout.Release(request.Version);
        if (Directory.Exists(release))
            Directory.Delete(release, recursive: true);
        var partial = release + ".partial";
        if (Directory.Exists(partial))
            Directory.Delete(partial, recursive: true);
        var (copied, leftOut) = ReleaseFiles.Copy(request.PublishedDirectory, partial, request.Runtime);
        Directory.Move(partial, release);
        File.SetUnixFileMode(release, PublicDirectoryMode);
        Step($"release {request.Version} for {request.Runtime} in {release}: {copied} files ({leftOut} of other platforms left out)");

        SetOwnership();
        await File.WriteAllTextAsync(Layout.UnitFile, ServiceUnit.Render(Layout, request.User), ct).ConfigureAwait(false);
        File.SetUnixFileMode(Layout.UnitFile, UnitMode);
        Step($"wrote {Layout.UnitFile}");
        NodeOptions options;
        try
        {
            options = NodeConfigFile.Load(Layout.ConfigFile);
        }
        catch (OptionsValidationException e)
        {
            return Fail($"{Layout.ConfigFile}: the node would refuse it:\n  " + string.Join("\n  ", e.Failures));
        }
        if (!request.SkipHealthCheck)
        {
            if (options.StatusUrl.Length == 0)
                return Fail($"{Layout.ConfigFile} sets no Node:StatusUrl, so the new release cannot be health-checked: set it, or pass --no-health-check");
            if (await HealthCheck.AnswersAsync(new Uri(options.StatusUrl), ct).ConfigureAwait(false))
                return Fail($"something already answers on {options.StatusUrl}: stop the running node first (systemctl stop {InstallLayout.ServiceName}); nothing was switched");
        }

        SwitchCurrent(request.Version);
        Step(previous is null ? $"{Layout.Current} -> releases/{request.Version}" : $"{Layout.Current} -> releases/{request.Version} (was {previous})");
        await VerifyUnitAsync(ct).ConfigureAwait(false);
        if (!request.SkipHealthCheck && !await CheckHealthAsync(options, previous, ct).ConfigureAwait(false))
            return ExitCodes.Failure;

        output.WriteLine();
        output.WriteLine(Layout.IsSystemRoot
            ? $"installed. Start it with: systemctl daemon-reload && systemctl enable --now {InstallLayout.ServiceName}"
            : $"installed under {Layout.Prefix}. The unit runs: {ServiceUnit.ExecStart(Layout)}");
        if (DeviceListLoader.LoadFile(Layout.DevicesFile).List is not { Devices.Count: > 0 })
            output.WriteLine($"devices: none yet; each device connects with its own password: mesh device add --site {options.Site} --id <device> --file {Layout.DevicesFile} (the node rereads the file)");
        return ExitCodes.Ok;
    }

    private string? CheckSource()
    {
        var executable = Path.Combine(request.PublishedDirectory, InstallLayout.ServiceName);
        if (!File.Exists(executable))
            return $"{request.PublishedDirectory} has no {InstallLayout.ServiceName} executable: give a folder made by 'dotnet publish' of edge-node/Mesh.Node.Host";
        var built = ReleaseFiles.RuntimeOf(executable);
        if (built != request.Runtime)
            return $"{executable} is built for {built ?? "an unknown platform"}, not {request.Runtime}: publish with -r {request.Runtime}, or give --runtime {built}";
        return null;
    }

    private (bool Kept, string? Problem) WriteConfig()
    {
        if (File.Exists(Layout.ConfigFile))
            return (true, null);
        if (request.Settings is null)
            return (false, $"{Layout.ConfigFile} does not exist yet: a first install needs --node-id, --site and --hub");
        var draft = Layout.ConfigFile + ".new";
        File.WriteAllText(draft, NodeConfigFile.Render(request.Settings));
        File.SetUnixFileMode(draft, ConfigMode);
        try
        {
            NodeConfigFile.Load(draft);
        }
        catch (OptionsValidationException e)
        {
            File.Delete(draft);
            return (false, "the node would refuse this configuration:\n  " + string.Join("\n  ", e.Failures));
        }
        File.Move(draft, Layout.ConfigFile);
        return (false, null);
    }

    private void SetOwnership()
    {
        var account = UnixNative.FindUser(request.User);
        if (account is null && Layout.IsSystemRoot && UnixNative.IsRoot)
        {
            CreateUser();
            account = UnixNative.FindUser(request.User);
        }
        if (account is not { } a)
        {
            Step($"no user '{request.User}' on this machine: ownership left as it is (the unit runs as {request.User}; create it before starting)");
            return;
        }
        if (!UnixNative.IsRoot)
        {
            Step($"not root: {Layout.DataDirectory} and {Layout.ConfigDirectory} keep their owner; give them to {request.User} before starting");
            return;
        }
        UnixNative.SetOwner(Layout.ConfigDirectory, 0, a.Gid);
        UnixNative.SetOwner(Layout.ConfigFile, 0, a.Gid);
        if (File.Exists(Layout.DevicesFile))
        {
            File.SetUnixFileMode(Layout.DevicesFile, ConfigMode);
            UnixNative.SetOwner(Layout.DevicesFile, 0, a.Gid);
        }
        UnixNative.SetOwner(Layout.DataDirectory, a.Uid, a.Gid);
        Step($"{Layout.ConfigDirectory} root:{request.User} 0750 (its files 0640), {Layout.DataDirectory} {request.User}:{request.User} 0750");
    }

    private void CreateUser()
    {
        using var useradd = Process.Start("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", Layout.DataDirectory, "--shell", "/usr/sbin/nologin", request.User]);
        useradd.WaitForExit();
        Step(useradd.ExitCode == 0 ? $"created system user {request.User}" : $"useradd {request.User} failed with code {useradd.ExitCode}");
    }

    private async Task VerifyUnitAsync(CancellationToken ct)
    {
        var verify = await UnitVerifier.VerifyAsync(Layout.UnitFile, ct).ConfigureAwait(false);
        Step(verify switch
        {
            null => "systemd-analyze is not installed here: the unit was not verified",
            { Ok: true } => "systemd-analyze verify: the unit is valid",
            _ => $"systemd-analyze verify reports (exit {verify.ExitCode}):\n    {verify.Output.Replace("\n", "\n    ")}",
        });
    }

    private async Task<bool> CheckHealthAsync(NodeOptions options, string? previous, CancellationToken ct)
    {
        var command = ServiceUnit.ReadExecStart(Layout.UnitFile)!;
        var runAs = Layout.IsSystemRoot && UnixNative.IsRoot && UnixNative.FindUser(request.User) is not null ? request.User : null;
        Step($"health check: starting {string.Join(' ', command)}, waiting up to {request.HealthTimeout.TotalSeconds:0} s for {options.StatusUrl}/healthz");
        var outcome = await EnrollingHealthCheck(command, options, runAs).RunAsync(Layout.DataDirectory, ct).ConfigureAwait(false);
        if (outcome.Healthy)
        {
            Step($"health check passed: {outcome.Reason}");
            return true;
        }
        output.WriteLine($"health check FAILED: {outcome.Reason}");
        if (outcome.OutputTail.Length > 0)
            output.WriteLine("  the node said:\n    " + outcome.OutputTail.Replace("\n", "\n    "));
        if (previous is not null)
        {
            SwitchCurrent(previous);
            output.WriteLine($"rolled back: {Layout.Current} -> releases/{previous} again; release {request.Version} stays in {Layout.Release(request.Version)} for inspection");
        }
        else
        {
            File.Delete(Layout.Current);
            output.WriteLine($"no earlier release to roll back to: {Layout.Current} removed; release {request.Version} stays in {Layout.Release(request.Version)} for inspection");
        }
        return false;
    }

    /// <summary>The health check of a release; on a node's first start with an enrollment token it also waits for the
    /// node's certificate (the token is good once: stopping the node half-way through would waste it) and fails at once
    /// when the hub refuses the token.</summary>
    private HealthCheck EnrollingHealthCheck(string[] command, NodeOptions options, string? runAs)
    {
        var certificate = Path.Combine(options.DataDirectory, Mesh.Node.Identity.NodeKey.FolderName, "node.crt");
        if (options.Enrollment.Token.Length == 0 || File.Exists(certificate))
            return new HealthCheck(command, new Uri(options.StatusUrl), request.HealthTimeout, runAs);
        Step($"the first start enrolls with {(options.Enrollment.HubUrl.Length > 0 ? options.Enrollment.HubUrl : options.Sync.HubUrl)}: waiting for {certificate} too");
        return new HealthCheck(command, new Uri(options.StatusUrl), request.HealthTimeout, runAs,
            pending: () => File.Exists(certificate) ? null : $"the node has not enrolled ({certificate} is missing): check the token and the hub address",
            failed: line => line.Contains("Enrollment with", StringComparison.Ordinal) && line.Contains("refused", StringComparison.Ordinal)
                ? $"the hub refused the enrollment: {line.Trim()}" : null);
    }

    /// <summary>Points <c>current</c> at a release atomically: a new link renamed over the old one.</summary>
    private void SwitchCurrent(string version)
    {
        var next = Layout.Current + ".next";
        if (new FileInfo(next).LinkTarget is not null)
            File.Delete(next);
        File.CreateSymbolicLink(next, Path.Combine("releases", version));
        UnixNative.Rename(next, Layout.Current);
    }

    private static void CreateDirectory(string path, UnixFileMode mode)
    {
        if (!Directory.Exists(path))
            Directory.CreateDirectory(path, mode);
        File.SetUnixFileMode(path, mode);
    }

    private void Step(string what)
    {
        lock (output) output.WriteLine($"  {what}");
    }

    private int Fail(string why)
    {
        output.WriteLine($"mesh node install: {why}");
        return ExitCodes.Failure;
    }
}
