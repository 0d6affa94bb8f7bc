using System.CommandLine;
using Mesh.Cli;
using Mesh.Cli.Access;
using Mesh.Cli.Approvals;
using Mesh.Cli.Audit;
using Mesh.Cli.Bench;
using Mesh.Cli.Demo;
using Mesh.Cli.NodeRun;
using Mesh.Cli.Policy;
using Mesh.Cli.Replay;
using Mesh.Cli.Sim;
using Spectre.Console;

// Logs and test harnesses read whole lines: do not wrap at Spectre's default 80 columns there.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 400;

var root = new RootCommand("mesh: the Mesh edge/cloud agent mesh from the command line.")
{
    DemoCommand.Create(),
    SimCommand.Create(),
    AuditCommand.Create(),
    ApprovalsCommand.Create(),
    AccessCommand.Create(),
    PolicyCommand.Create(),
    Mesh.Cli.Profile.ProfileCommand.Create(),
    Mesh.Cli.Model.ModelCommand.Create(),
    BenchCommand.Create(),
    NodeCommand.Create(),
    Mesh.Cli.Enrollment.EnrollCommand.Create(),
    ReplayCommand.Create(),
    Mesh.Cli.Devices.DeviceCommand.Create(),
    Mesh.Cli.Broker.BrokerCommand.Create(),
    Mesh.Cli.Chaos.ChaosCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"mesh: {error.Message}");
    var command = parse.CommandResult.Command;
    var path = command == root ? "mesh" : "mesh " + string.Join(' ', CommandPath(parse.CommandResult));
    Console.Error.WriteLine($"Run '{path} --help' for usage.");
    return ExitCodes.Usage;
}

// Ctrl+C cancels the command's token; give it time to disconnect cleanly and print what it did.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });

static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
{
    var names = new Stack<string>();
    for (var r = result; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent)
        names.Push(r.Command.Name);
    return names;
}
