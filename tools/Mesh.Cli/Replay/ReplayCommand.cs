using System.CommandLine;

namespace Mesh.Cli.Replay;

/// <summary><c>mesh replay</c>: re-run the decision core over a recorded journal.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var journal = new Option<FileInfo?>("--journal") { Description = "a node's journal file (its audit.db), opened read-only" };
        var hub = new Option<string?>("--hub") { Description = "read the node's chain from a hub, e.g. http://127.0.0.1:5080 (with --node)" };
        var node = new Option<string?>("--node") { Description = "the node whose chain to replay (required with --hub)" };
        var policy = new Option<FileInfo?>("--policy") { Description = "what-if: decide every reading under this policy file and list the decisions it would flip" };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var token = HubConnection.TokenOption();

        var command = new Command("replay", """
            Re-run the decision core over a journal: verify the chain, decide every reading again under the policy
            version it recorded, and report every divergence (sequence, expected, got). Exit 0 when there is none.
            With --policy FILE: decide under that policy instead and list exactly the decisions it would flip.
            """)
        {
            journal, hub, node, policy, json, token,
        };
        command.Validators.Add(result =>
        {
            var hasHub = result.GetResult(hub) is not null;
            if (hasHub == (result.GetResult(journal) is not null))
                result.AddError("give either --journal <path to audit.db> or --hub <url> --node <id> (exactly one source)");
            if (hasHub && result.GetResult(node) is null)
                result.AddError("--hub needs --node <id>: the node whose chain to replay");
            if (result.GetValue(hub) is { } url && HubConnection.Address(url) is null)
                result.AddError($"--hub '{url}' must be an absolute http:// or https:// address, e.g. http://127.0.0.1:5080");
        });
        command.SetAction((parse, ct) => ReplayConsole.RunAsync(new ReplayRequest(
            parse.GetValue(journal), parse.GetValue(hub), parse.GetValue(node), parse.GetValue(policy), parse.GetValue(json), parse.GetValue(token)), ct));
        return command;
    }
}

internal sealed record ReplayRequest(FileInfo? Journal, string? Hub, string? Node, FileInfo? Policy, bool Json, string? Token = null);
