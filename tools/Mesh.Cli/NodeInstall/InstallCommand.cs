using System.CommandLine;
using System.Diagnostics;

namespace Mesh.Cli.NodeInstall;

/// <summary><c>mesh node install</c>: a self-contained node, its configuration, data folder and systemd unit
/// (docs/OPERATIONS.md).</summary>
public static class InstallCommand
{
    public const string DefaultStatusUrl = "http://127.0.0.1:5090";

    public static Command Create()
    {
        var prefix = new Option<string>("--prefix") { Description = "where to lay it out (/etc/mesh, /var/lib/mesh, /opt/mesh and the unit under it)", DefaultValueFactory = _ => "/" };
        var runtime = new Option<string>("--runtime") { Description = "target runtime: linux-x64 or linux-arm64 (default: the --from folder's, else this machine's)" };
        runtime.AcceptOnlyFromAmong(ReleaseFiles.Runtimes);
        var from = new Option<string?>("--from") { Description = "a folder already made by 'dotnet publish' of mesh-node (default: publish it now, self-contained)" };
        var project = new Option<string?>("--project") { Description = $"the node's project to publish (default: {NodePublisher.ProjectPath} above the working directory)" };
        var version = new Option<string?>("--version") { Description = "the release's name (default: the node's product version)" };
        var nodeId = new Option<string?>("--node-id") { Description = "the node's id (first install)" };
        var site = new Option<string?>("--site") { Description = "the site it serves (first install)" };
        var hub = new Option<string?>("--hub") { Description = "the hub's gRPC address, e.g. https://hub.example:5080 (first install)" };
        var token = new Option<string?>("--token") { Description = "a one-time enrollment token: the first start enrolls with the hub (Node:Enrollment:Token)" };
        var profile = new Option<string?>("--profile") { Description = "the hardware profile id (default: the node's)" };
        var mqttPort = new Option<int?>("--mqtt-port") { Description = "the embedded broker's port (default: the node's, 1883)" };
        var statusUrl = new Option<string>("--status-url") { Description = "where the node serves /healthz, /status and /metrics", DefaultValueFactory = _ => DefaultStatusUrl };
        var user = new Option<string>("--user") { Description = "the service's system user (created on a system install when missing)", DefaultValueFactory = _ => "mesh" };
        var healthTimeout = new Option<int>("--health-timeout") { Description = "seconds the new release has to answer /healthz", DefaultValueFactory = _ => 60 };
        var noHealth = new Option<bool>("--no-health-check") { Description = "switch to the new release without starting it" };
        var command = new Command("install", "Install or upgrade a node: a release folder per version with a 'current' link, /etc/mesh, /var/lib/mesh and a "
            + "hardened systemd unit; an upgrade keeps configuration and data and rolls back if the new release fails its health check")
        {
            prefix, runtime, from, project, version, nodeId, site, hub, token, profile, mqttPort, statusUrl, user, healthTimeout, noHealth,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (OperatingSystem.IsWindows())
                return Usage("installs a Linux systemd service: run it on Linux");
            InstallLayout layout;
            try
            {
                layout = new InstallLayout(parse.GetValue(prefix)!);
            }
            catch (ArgumentException e)
            {
                return Usage(e.Message);
            }
            if (layout.IsSystemRoot && !Environment.IsPrivilegedProcess)
                return Usage("a system install writes /etc, /opt and /var/lib: run it as root (sudo), or give --prefix DIR");
            var published = parse.GetValue(from);
            var rid = parse.GetValue(runtime)
                ?? (published is not null && File.Exists(Path.Combine(published, InstallLayout.ServiceName)) ? ReleaseFiles.RuntimeOf(Path.Combine(published, InstallLayout.ServiceName)) : null)
                ?? ReleaseFiles.HostRuntime;
            var ids = (parse.GetValue(nodeId), parse.GetValue(site), parse.GetValue(hub));
            NodeConfigSettings? settings = null;
            if (ids is ({ } n, { } s, { } h))
            {
                settings = new NodeConfigSettings(n, s, h, layout.DataDirectory, parse.GetValue(statusUrl)!)
                {
                    Profile = parse.GetValue(profile), MqttPort = parse.GetValue(mqttPort), EnrollmentToken = parse.GetValue(token),
                    DevicesFile = layout.DevicesFile,
                };
            }
            else if (ids is not (null, null, null))
            {
                return Usage("--node-id, --site and --hub go together");
            }

            string? scratch = null;
            try
            {
                if (published is null)
                {
                    var csproj = NodePublisher.FindProject(parse.GetValue(project));
                    if (csproj is null)
                        return Usage($"no {NodePublisher.ProjectPath} here or above: run from the repository, or give --project or --from");
                    scratch = Directory.CreateTempSubdirectory("mesh-publish-").FullName;
                    Console.WriteLine($"publishing mesh-node for {rid} (self-contained, Release) from {csproj}; this takes a few minutes");
                    var clock = Stopwatch.StartNew();
                    var code = await NodePublisher.PublishAsync(csproj, rid, scratch, Console.Out, ct).ConfigureAwait(false);
                    if (code != 0)
                        return Fail($"dotnet publish failed with code {code}");
                    Console.WriteLine($"published in {clock.Elapsed.TotalSeconds:0} s");
                    published = scratch;
                }
                else if (!Directory.Exists(published))
                {
                    return Usage($"--from {published}: no such folder");
                }
                var name = parse.GetValue(version) ?? ProductVersion(published);
                if (!Installer.VersionPattern().IsMatch(name))
                    return Usage($"--version '{name}' must be 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit");
                Console.WriteLine($"installing mesh-node {name} ({rid}) under {layout.Prefix}");
                var request = new InstallRequest(layout, rid, Path.GetFullPath(published), name, parse.GetValue(user)!)
                {
                    Settings = settings,
                    HealthTimeout = TimeSpan.FromSeconds(parse.GetValue(healthTimeout)),
                    SkipHealthCheck = parse.GetValue(noHealth),
                };
                return await new Installer(request, Console.Out).RunAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail($"{e.Message} (what was done so far is printed above; run the command again once this is fixed)");
            }
            finally
            {
                if (scratch is not null)
                    Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }

    /// <summary>The published node's product version, made into a folder name (<c>1.2.0+abc</c> → <c>1.2.0-abc</c>).</summary>
    private static string ProductVersion(string published)
    {
        var dll = Path.Combine(published, InstallLayout.ServiceName + ".dll");
        var product = File.Exists(dll) ? FileVersionInfo.GetVersionInfo(dll).ProductVersion : null;
        if (string.IsNullOrEmpty(product))
            return DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var name = new string([.. product.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-')]);
        return name.Length > 64 ? name[..64] : name;
    }

    private static int Usage(string why)
    {
        Console.Error.WriteLine($"mesh node install: {why}");
        return ExitCodes.Usage;
    }

    private static int Fail(string why)
    {
        Console.Error.WriteLine($"mesh node install: {why}");
        return ExitCodes.Failure;
    }
}
