using Mesh.Protocol.Policy;
using Spectre.Console;

namespace Mesh.Cli.Policy;

/// <summary><c>mesh policy push | history | rollback</c>: the hub keeps every version of a site's policy and says
/// which is active; these commands change and show that.</summary>
internal static class PolicyHubConsole
{
    public static async Task<int> PushAsync(Uri hub, string? token, string file, string by, CancellationToken ct)
    {
        // Nothing leaves the machine unless it is valid here: the same loader runs on the hub and the nodes.
        var result = PolicyLoader.LoadFile(file);
        if (result.Policy is not { } policy)
        {
            PolicyFilesConsole.WriteErrors(result.Errors, Console.Out);
            Console.Error.WriteLine($"mesh policy push: {file} is not valid; nothing was sent.");
            return ExitCodes.Failure;
        }
        using var http = HubConnection.Create(hub, token);
        var body = new PolicyPushJson(policy.Text, file.Replace('\\', '/'), by);
        return await CallAsync("push", async () =>
        {
            var pushed = await new PolicyHubClient(http).PushAsync(policy.Site, body, ct).ConfigureAwait(false);
            AnsiConsole.MarkupLine(Markup.Escape($"Pushed {file}: site {pushed.Site ?? policy.Site}, version {pushed.Version}, sha256 {pushed.Sha256}") + "; "
                + $"[green]{Markup.Escape($"active as activation {pushed.Activation}")}[/].");
        }).ConfigureAwait(false);
    }

    public static async Task<int> HistoryAsync(Uri hub, string? token, string site, CancellationToken ct)
    {
        using var http = HubConnection.Create(hub, token);
        return await CallAsync("history", async () =>
        {
            var history = await new PolicyHubClient(http).HistoryAsync(site, ct).ConfigureAwait(false);
            PolicyHistoryView.Write(history, site);
        }).ConfigureAwait(false);
    }

    public static async Task<int> RollbackAsync(Uri hub, string? token, string site, long toVersion, string by, string? comment, CancellationToken ct)
    {
        using var http = HubConnection.Create(hub, token);
        var body = new PolicyRollbackJson(toVersion, by, comment);
        return await CallAsync("rollback", async () =>
        {
            var active = await new PolicyHubClient(http).RollbackAsync(site, body, ct).ConfigureAwait(false);
            AnsiConsole.MarkupLine($"[green]{Markup.Escape($"Rolled back site {active.Site ?? site}: version {active.Version} is active again")}[/]"
                + Markup.Escape($" (sha256 {active.Sha256}, activation {active.Activation})."));
        }).ConfigureAwait(false);
    }

    private static async Task<int> CallAsync(string command, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (HubCallException ex)
        {
            foreach (var error in ex.Errors)
                Console.Out.WriteLine(error);
            Console.Error.WriteLine($"mesh policy {command}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
