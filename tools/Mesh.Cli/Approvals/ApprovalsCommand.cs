using System.CommandLine;

namespace Mesh.Cli.Approvals;

/// <summary><c>mesh approvals</c>: list the approvals nodes asked for, and approve or deny one.</summary>
public static class ApprovalsCommand
{
    public static Command Create()
    {
        var listHub = HubOption();
        var listToken = HubConnection.TokenOption();
        var list = new Command("list", "List approvals (default: the pending ones).") { listHub, listToken };
        var state = new Option<string>("--state") { Description = "which approvals: pending, decided, resolved or all", DefaultValueFactory = _ => "pending" };
        state.AcceptOnlyFromAmong("pending", "decided", "resolved", "all");
        var site = new Option<string?>("--site") { Description = "only this site's approvals" };
        var node = new Option<string?>("--node") { Description = "only this node's approvals" };
        list.Options.Add(state);
        list.Options.Add(site);
        list.Options.Add(node);
        list.SetAction((parse, ct) => ApprovalsConsole.ListAsync(
            HubConnection.Address(parse.GetValue(listHub))!, parse.GetValue(listToken), parse.GetValue(state)!, parse.GetValue(site), parse.GetValue(node), ct));

        return new Command("approvals", "Work with approvals: actions a site's policy holds for a person to approve.")
        {
            list,
            Decide("approve", approved: true, "Approve an action a node is waiting on."),
            Decide("deny", approved: false, "Deny an action a node is waiting on."),
        };
    }

    private static Command Decide(string name, bool approved, string description)
    {
        var id = new Argument<string>("id") { Description = "the approval id, e.g. apr-… (see 'mesh approvals list')" };
        var comment = new Option<string?>("--comment") { Description = "why, for the audit trail (at most 1000 characters)" };
        var by = new Option<string>("--by") { Description = "who decides, for --node-mqtt; through the hub the token's name is recorded instead (default: the current user name)", DefaultValueFactory = _ => Environment.UserName };
        var hub = HubOption(required: false);
        var hubToken = HubConnection.TokenOption();
        var nodeMqtt = new Option<string?>("--node-mqtt") { Description = "decide at the site while the hub is unreachable: the node's MQTT broker, HOST[:PORT] (with --site and --site-token)" };
        var site = new Option<string?>("--site") { Description = "with --node-mqtt: the site the node serves" };
        var token = new Option<string?>("--site-token") { Description = "with --node-mqtt: the site token (the node's Node:Approvals:SiteToken); default: $MESH_SITE_TOKEN" };
        var command = new Command(name, description + " Through the hub, or at the site with --node-mqtt while the hub is unreachable (policy offline: approve_locally).")
        {
            id, hub, hubToken, nodeMqtt, site, token, comment, by,
        };
        command.Validators.Add(result =>
        {
            var viaHub = result.GetResult(hub) is not null;
            var local = result.GetResult(nodeMqtt) is not null;
            if (viaHub == local)
                result.AddError("give either --hub <url> or --node-mqtt <host:port> (exactly one)");
            if (local && (result.GetValue(site) is not { Length: > 0 } s || !Mesh.Protocol.Topics.MeshTopics.IsValidSegment(s)))
                result.AddError("--node-mqtt needs --site <the site the node serves>");
            if (local && (result.GetValue(token) ?? Environment.GetEnvironmentVariable("MESH_SITE_TOKEN")) is not { Length: > 0 })
                result.AddError("--node-mqtt needs the site token: --site-token <token> or MESH_SITE_TOKEN");
        });
        command.SetAction((parse, ct) => parse.GetValue(nodeMqtt) is { } broker
            ? LocalDecision.RunAsync(broker, parse.GetValue(site)!, parse.GetValue(token) ?? Environment.GetEnvironmentVariable("MESH_SITE_TOKEN")!,
                parse.GetValue(id)!, approved, parse.GetValue(by)!, parse.GetValue(comment), ct)
            : ApprovalsConsole.DecideAsync(HubConnection.Address(parse.GetValue(hub))!, parse.GetValue(hubToken), parse.GetValue(id)!, approved, parse.GetValue(by)!, parse.GetValue(comment), ct));
        return command;
    }

    private static Option<string> HubOption(bool required = true)
    {
        var hub = new Option<string>("--hub")
        {
            Description = "the hub's main address (Hub:Url), e.g. http://127.0.0.1:5080",
            Required = required,
        };
        hub.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } url && HubConnection.Address(url) is null)
                result.AddError($"--hub '{url}' must be an absolute http:// or https:// address, e.g. http://127.0.0.1:5080");
        });
        return hub;
    }
}
