using Spectre.Console;

namespace Mesh.Cli.Audit;

/// <summary>Runs <see cref="AuditChainChecker"/> for a person: progress on long chains, one line per chain.</summary>
internal static class AuditVerifyConsole
{
    public static async Task<int> RunAsync(Uri? hub, string? token, FileInfo? journal, string? nodeId, CancellationToken ct)
    {
        var progress = new SyncProgress();
        IReadOnlyList<ChainCheckResult> results;
        if (journal is not null)
        {
            AnsiConsole.MarkupLine($"Verifying journal {Markup.Escape(journal.FullName)}…");
            results = [AuditChainChecker.VerifyJournalFile(journal.FullName, nodeId, progress, ct)];
        }
        else
        {
            var baseAddress = hub!;
            using var http = HubConnection.Create(baseAddress, token);
            AnsiConsole.MarkupLine($"Verifying {(nodeId is null ? "every node" : $"node {Markup.Escape(nodeId)}")} at hub {Markup.Escape(baseAddress.ToString())}…");
            results = nodeId is null
                ? await AuditChainChecker.VerifyHubAllAsync(http, progress, ct).ConfigureAwait(false)
                : [await AuditChainChecker.VerifyHubAsync(http, nodeId, progress, ct).ConfigureAwait(false)];
            if (results.Count == 0)
                AnsiConsole.MarkupLine("[yellow]The hub lists no nodes: nothing to verify.[/]");
        }

        foreach (var result in results)
            AnsiConsole.MarkupLine(result.Ok ? $"[green]{Markup.Escape(result.Describe())}[/]" : $"[red]{Markup.Escape(result.Describe())}[/]");
        var bad = results.Count(r => !r.Ok);
        if (results.Count > 1)
            AnsiConsole.MarkupLine(bad == 0 ? $"[green]All {results.Count} chains verify.[/]" : $"[red]{bad} of {results.Count} chains do not verify.[/]");
        return bad == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private sealed class SyncProgress : IProgress<ChainCheckProgress>
    {
        public void Report(ChainCheckProgress value) =>
            AnsiConsole.MarkupLine(Markup.Escape($"  node {value.NodeId}: {value.Verified:N0} records verified (sequence {value.Sequence:N0})…"));
    }
}
