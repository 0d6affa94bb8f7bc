using System.CommandLine;
using Mesh.Node.Hosting;
using Microsoft.Extensions.Hosting;

namespace Mesh.Cli.NodeRun;

/// <summary><c>mesh node run</c>: runs a node in the foreground (the same host as <c>mesh-node</c>).</summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var settings = new Argument<string[]>("settings")
        {
            Description = "configuration keys, e.g. --Node:NodeId=edge-1 --Node:Site=site-a --Node:Sync:HubUrl=http://127.0.0.1:5080",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var run = new Command("run", "Run a node in the foreground until Ctrl+C") { settings };
        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction(async (result, ct) =>
        {
            string[] args = [.. result.GetValue(settings) ?? [], .. result.UnmatchedTokens];
            using var host = NodeHost.Build(args);
            await host.RunAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return new Command("node", "Run and manage a Mesh node")
        {
            run, NodeInstall.InstallCommand.Create(), NodeDoctor.DoctorCommand.Create(),
            Enrollment.NodeEnrollmentCommands.Token(), Enrollment.NodeEnrollmentCommands.Revoke(),
        };
    }
}
