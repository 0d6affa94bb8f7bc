using System.CommandLine;
using Mesh.Hub.Enrollment;

namespace Mesh.Cli.Enrollment;

/// <summary><c>mesh node token</c> and <c>mesh node revoke</c>: an admin's side of enrollment, through the hub's JSON API
/// with an admin API token (both are logged in the hub's action log under the token's name).</summary>
public static class NodeEnrollmentCommands
{
    public static Command Token()
    {
        var hub = HubOption();
        var apiToken = HubConnection.TokenOption();
        var site = new Option<string>("--site") { Description = "the site the node will serve", Required = true };
        var node = new Option<string>("--node") { Description = "the node's id (Node:NodeId)", Required = true };
        var lifetime = new Option<int?>("--lifetime-minutes") { Description = "how long the token may wait for its node (default: the hub's Hub:Enrollment:TokenLifetime, 24 h)" };
        var command = new Command("token", "Make a one-time enrollment token for a node (printed once; the hub keeps only its hash).") { hub, apiToken, site, node, lifetime };
        command.SetAction(async (parse, ct) =>
        {
            using var http = HubConnection.Create(HubConnection.Address(parse.GetValue(hub))!, parse.GetValue(apiToken));
            try
            {
                var minutes = parse.GetValue(lifetime);
                var made = await new HubApiClient(http).PostAsync<EnrollmentApi.TokenView>(
                    $"api/nodes/{Uri.EscapeDataString(parse.GetValue(node)!)}/enrollment-tokens",
                    new EnrollmentApi.TokenRequest(parse.GetValue(site), minutes is { } m ? m * 60L : null), ct).ConfigureAwait(false);
                Console.WriteLine(made.Token);
                Console.Error.WriteLine($"One-time token for node {made.NodeId} of site {made.Site}, valid until {made.ExpiresAt:O}; it names the hub's CA (SHA-256 {made.CaSha256}).");
                Console.Error.WriteLine($"On the node: mesh enroll --hub <the hub's Hub:Enrollment:Url> --token <token> --data <its data directory>, or set Node:Enrollment:Token.");
                return ExitCodes.Ok;
            }
            catch (HubCallException ex)
            {
                return Fail("token", ex.Message);
            }
        });
        return command;
    }

    public static Command Revoke()
    {
        var hub = HubOption();
        var apiToken = HubConnection.TokenOption();
        var node = new Argument<string>("node") { Description = "the node's id" };
        var comment = new Option<string?>("--comment") { Description = "why, for the hub's action log (at most 1000 characters)" };
        var command = new Command("revoke", "Revoke a node: its certificates are refused from now on and its open streams end.") { node, hub, apiToken, comment };
        command.SetAction(async (parse, ct) =>
        {
            using var http = HubConnection.Create(HubConnection.Address(parse.GetValue(hub))!, parse.GetValue(apiToken));
            try
            {
                var revoked = await new HubApiClient(http).PostAsync<EnrollmentApi.RevokeView>(
                    $"api/nodes/{Uri.EscapeDataString(parse.GetValue(node)!)}/revoke", new EnrollmentApi.RevokeRequest(parse.GetValue(comment)), ct).ConfigureAwait(false);
                Console.WriteLine($"Revoked node {revoked.NodeId}: certificate(s) {string.Join(", ", revoked.RevokedSerials)}. It enrolls again only with a new token.");
                return ExitCodes.Ok;
            }
            catch (HubCallException ex)
            {
                return Fail("revoke", ex.Message);
            }
        });
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

    private static int Fail(string verb, string message)
    {
        Console.Error.WriteLine($"mesh node {verb}: {message}");
        return ExitCodes.Failure;
    }
}
