using System.Text.Json;
using Spectre.Console;

namespace Mesh.Cli.Policy;

/// <summary>Shows <c>GET api/sites/{site}/policies</c> as tables: versions, activations, and what each node runs.</summary>
internal static class PolicyHistoryView
{
    public static void Write(PolicyHistoryJson history, string site)
    {
        var name = Markup.Escape(history.Site ?? site);
        AnsiConsole.MarkupLine(history.Active is { } active
            ? $"Site [bold]{name}[/]: version [green]{active.Version}[/] is active ({Markup.Escape($"sha256 {Short(active.Sha256)}, activation {Text(active.Activation)}")})."
            : $"Site [bold]{name}[/]: [yellow]no policy is active[/].");

        var versions = new Table().Title("Versions").AddColumns("Version", "Sha256", "Pushed at", "Pushed by", "Active");
        foreach (var v in history.Versions ?? [])
            versions.AddRow(Cells(Num(v.Version), Short(v.Sha256), v.PushedAt, v.PushedBy, v.Active ? "yes" : ""));
        AnsiConsole.Write(versions);

        var activations = new Table().Title("Activations").AddColumns("Activation", "Version", "At", "By", "Rollback", "Comment");
        foreach (var a in history.Activations ?? [])
            activations.AddRow(Cells(Text(a.Activation), Num(a.Version), a.At, a.By, a.Rollback ? "yes" : "", a.Comment));
        AnsiConsole.Write(activations);

        var nodes = new Table().Title("Nodes").AddColumns("Node", "Version", "Sha256", "At", "Rejected");
        foreach (var n in history.Nodes ?? [])
            nodes.AddRow(Cells(n.NodeId, n.Version is { } version ? Num(version) : "", Short(n.Sha256), n.At, Rejected(n.Rejected)));
        if ((history.Nodes ?? []).Count == 0)
            AnsiConsole.MarkupLine("No node has reported a policy yet.");
        else
            AnsiConsole.Write(nodes);
    }

    private static string Rejected(PolicyRejectedJson? r) => r is null ? "" : $"version {r.Version} at {r.At}: {r.Reason}";

    private static string Short(string? sha256) => sha256 is { Length: > 12 } ? sha256[..12] : sha256 ?? "";

    private static string Num(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Undefined or JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    private static string[] Cells(params string?[] values) => [.. values.Select(v => Markup.Escape(v ?? ""))];
}
