using Spectre.Console;

namespace Mesh.Cli.Approvals;

/// <summary>Runs <c>mesh approvals</c> for a person: a table of approvals, or the outcome of a decision.</summary>
internal static class ApprovalsConsole
{
    public static async Task<int> ListAsync(Uri hub, string? token, string state, string? site, string? node, CancellationToken ct)
    {
        using var http = HubConnection.Create(hub, token);
        List<ApprovalJson> approvals;
        try
        {
            approvals = await new HubApprovalsClient(http).ListAsync(state, site, node, ct).ConfigureAwait(false);
        }
        catch (HubCallException ex)
        {
            return Fail(ex.Message);
        }
        if (approvals.Count == 0)
        {
            AnsiConsole.MarkupLine($"No {(state == "all" ? "" : Markup.Escape(state) + " ")}approvals.");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Id", "Node", "Device", "Rule", "Action", "Role", "Deadline", "State", "Decision", "Resolution");
        foreach (var a in approvals)
            table.AddRow(Cells(a.Id, a.NodeId, a.Device, a.Rule, a.Action, a.Role, Deadline(a), a.State, Decision(a.Decision), Resolution(a.Resolution)));
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }

    public static async Task<int> DecideAsync(Uri hub, string? token, string id, bool approved, string by, string? comment, CancellationToken ct)
    {
        using var http = HubConnection.Create(hub, token);
        ApprovalJson approval;
        try
        {
            approval = await new HubApprovalsClient(http).DecideAsync(id, approved, by, comment, ct).ConfigureAwait(false);
        }
        catch (HubCallException ex)
        {
            return Fail(ex.Message);
        }
        var verb = approved ? "Approved" : "Denied";
        var what = Markup.Escape($"{approval.Id}: {approval.Action} on {approval.Device} (node {approval.NodeId}, rule {approval.Rule})");
        AnsiConsole.MarkupLine($"[green]{verb}[/] {what} as {Markup.Escape(approval.Decision?.By ?? by)}.");
        if (approval.Decision?.Late == true)
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape($"Late: the node had already settled it ({approval.Resolution?.Outcome ?? "settled"}); the decision is recorded but changes nothing there.")}[/]");
        return ExitCodes.Ok;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"mesh approvals: {message}");
        return ExitCodes.Failure;
    }

    private static string[] Cells(params string?[] values) => [.. values.Select(v => Markup.Escape(v ?? ""))];

    private static string Deadline(ApprovalJson a) => a.OnTimeout is { Length: > 0 } onTimeout ? $"{a.Deadline} (then {onTimeout})" : a.Deadline ?? "";

    private static string Decision(ApprovalDecisionJson? d) =>
        d is null ? "" : $"{(d.Approved ? "approved" : "denied")} by {d.By}{(d.Late ? " (late)" : "")}";

    private static string Resolution(ApprovalResolutionJson? r) =>
        r is null ? "" : $"{r.Outcome}{(r.Executed ? ", executed" : "")}";
}
