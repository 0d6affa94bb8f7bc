using System.CommandLine;
using Mesh.Protocol.Policy;

namespace Mesh.Cli.Policy;

/// <summary><c>mesh policy</c>: validate, compare and publish per-site policy files (format: docs/POLICY.md).</summary>
public static class PolicyCommand
{
    public static Command Create() => new("policy", "Work with site policy files: validate and diff them locally; push, list and roll back versions on the hub.")
    {
        Validate(),
        Diff(),
        Schema(),
        Push(),
        History(),
        Rollback(),
    };

    private static Command Validate()
    {
        var files = new Argument<string[]>("file") { Description = "policy files, e.g. policies/*.yaml", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check policy files; print each error as file:line:column: message. Exit 0 only if every file is valid.") { files };
        command.SetAction(parse => PolicyFilesConsole.Validate(parse.GetValue(files)!, Console.Out));
        return command;
    }

    private static Command Diff()
    {
        var oldFile = new Argument<string>("old") { Description = "the policy as it was" };
        var newFile = new Argument<string>("new") { Description = "the policy as it will be" };
        var command = new Command("diff", "Show what changed between two versions of a policy, by meaning: rules, groups, limits, routing.") { oldFile, newFile };
        command.SetAction(parse => PolicyFilesConsole.Diff(parse.GetValue(oldFile)!, parse.GetValue(newFile)!, Console.Out));
        return command;
    }

    private static Command Schema()
    {
        var command = new Command("schema", "Print the JSON Schema of policy files (for editors: YAML language servers read it).");
        command.SetAction(_ => PolicyFilesConsole.Schema(Console.Out));
        return command;
    }

    private static Command Push()
    {
        var file = new Argument<string>("file") { Description = "the policy file; its 'site' names the site it is for" };
        var hub = HubOption();
        var token = HubConnection.TokenOption();
        var by = ByOption("who pushes");
        var command = new Command("push", "Validate a policy file, then send it to the hub, which activates it for its site (versions must grow). Needs an admin token.") { file, hub, token, by };
        command.SetAction((parse, ct) => PolicyHubConsole.PushAsync(HubConnection.Address(parse.GetValue(hub))!, parse.GetValue(token), parse.GetValue(file)!, parse.GetValue(by)!, ct));
        return command;
    }

    private static Command History()
    {
        var hub = HubOption();
        var site = SiteOption();
        var token = HubConnection.TokenOption();
        var command = new Command("history", "List a site's policy versions, activations (rollbacks included) and what each node runs.") { hub, site, token };
        command.SetAction((parse, ct) => PolicyHubConsole.HistoryAsync(HubConnection.Address(parse.GetValue(hub))!, parse.GetValue(token), parse.GetValue(site)!, ct));
        return command;
    }

    private static Command Rollback()
    {
        var hub = HubOption();
        var site = SiteOption();
        var to = new Option<long>("--to") { Description = "the version to activate again (see 'mesh policy history')", Required = true };
        to.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 1)
                result.AddError("--to must be a version number (1 or more)");
        });
        var by = ByOption("who rolls back");
        var comment = new Option<string?>("--comment") { Description = "why, for the audit trail" };
        var token = HubConnection.TokenOption();
        var command = new Command("rollback", "Activate an older version of a site's policy again (a new activation; no version is deleted). Needs an admin token.") { hub, site, to, token, by, comment };
        command.SetAction((parse, ct) => PolicyHubConsole.RollbackAsync(
            HubConnection.Address(parse.GetValue(hub))!, parse.GetValue(token), parse.GetValue(site)!, parse.GetValue(to), parse.GetValue(by)!, parse.GetValue(comment), ct));
        return command;
    }

    private static Option<string> HubOption()
    {
        var hub = new Option<string>("--hub") { Description = "the hub's main address (Hub:Url), e.g. http://127.0.0.1:5080", Required = true };
        hub.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } url && HubConnection.Address(url) is null)
                result.AddError($"--hub '{url}' must be an absolute http:// or https:// address, e.g. http://127.0.0.1:5080");
        });
        return hub;
    }

    private static Option<string> SiteOption()
    {
        var site = new Option<string>("--site") { Description = "the site id, e.g. berlin-01", Required = true };
        site.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } id && !PolicyNames.IsValidSite(id))
                result.AddError($"--site '{id}' is not a site id (1-128 characters without '/', '+', '#' or white space)");
        });
        return site;
    }

    private static Option<string> ByOption(string who) =>
        new("--by") { Description = $"{who}; hubs with access control ignore it and record the token's name (default: the current user name)", DefaultValueFactory = _ => Environment.UserName };
}
