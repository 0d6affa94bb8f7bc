using System.CommandLine;
using Mesh.Cli.NodeInstall;

namespace Mesh.Cli.NodeDoctor;

/// <summary><c>mesh node doctor</c>: what is wrong with a node's installation, and what to do about it.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "the node's configuration file (default: <prefix>/etc/mesh/mesh-node.json)" };
        var prefix = new Option<string>("--prefix") { Description = "the prefix the node was installed under", DefaultValueFactory = _ => "/" };
        var data = new Option<string?>("--data") { Description = "the data folder, when it is not the configuration's Node:DataDirectory" };
        var command = new Command("doctor", "Check a node's configuration, hardware profile, broker, hub, certificate and disk budget; "
            + "exit 1 if any check fails")
        {
            config, prefix, data,
        };
        command.SetAction(async (parse, ct) =>
        {
            InstallLayout layout;
            try
            {
                layout = new InstallLayout(parse.GetValue(prefix)!);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"mesh node doctor: {e.Message}");
                return ExitCodes.Usage;
            }
            var file = parse.GetValue(config) ?? layout.ConfigFile;
            var release = parse.GetValue(config) is null && Directory.Exists(layout.Current) ? layout.Current : null;
            var findings = await new NodeDoctor(file, parse.GetValue(data), release, TimeProvider.System).RunAsync(ct).ConfigureAwait(false);
            foreach (var f in findings)
                Console.WriteLine(f);
            var failed = findings.Count(f => f.Level == DoctorLevel.Fail);
            var warned = findings.Count(f => f.Level == DoctorLevel.Warn);
            Console.WriteLine(failed == 0 ? $"\nno failures ({warned} warnings)" : $"\n{failed} failed, {warned} warnings");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
