using Spectre.Console;

namespace Mesh.Cli.Audit;

/// <summary>Runs <see cref="AuditChainChecker"/> for a person: progress on long chains, one line per chain.</summary>
internal static class AuditVerifyConsole
{
    public static async Task<int> RunAsync(Uri? hub, string? token, FileInfo? journal, string? nodeId, FileInfo? keyFile, string? fingerprint, CancellationToken ct)
    {
        var progress = new SyncProgress();
        IReadOnlyList<ChainCheckResult> results;
        ExpectedKey? expected = null;
        try
        {
            expected = keyFile is not null ? ExpectedKey.FromPemFile(keyFile.FullName)
                : fingerprint is not null ? ExpectedKey.FromFingerprint(fingerprint)
                : null;
        }
        catch (InvalidDataException ex)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
            return ExitCodes.Failure;
        }
        if (expected is null && journal is not null)
        {
            // The node's own key file is the default, not the auditor's word: one this user cannot read is a warning.
            try
            {
                expected = ExpectedKey.BesideJournal(journal.FullName);
            }
            catch (InvalidDataException ex)
            {
                AnsiConsole.MarkupLine($"[yellow]warning: {Markup.Escape(ex.Message)}; checkpoints are checked against the first checkpoint's key (give --key or --fingerprint)[/]");
            }
        }
        if (journal is not null)
        {
            AnsiConsole.MarkupLine($"Verifying journal {Markup.Escape(journal.FullName)}…");
            if (expected is not null)
                AnsiConsole.MarkupLine(Markup.Escape($"Checkpoints must be signed by key {expected.Fingerprint} ({expected.Source})."));
            results = [AuditChainChecker.VerifyJournalFile(journal.FullName, nodeId, progress, ct, expected: expected)];
        }
        else
        {
            var baseAddress = hub!;
            using var http = HubConnection.Create(baseAddress, token);
            AnsiConsole.MarkupLine($"Verifying {(nodeId is null ? "every node" : $"node {Markup.Escape(nodeId)}")} at hub {Markup.Escape(baseAddress.ToString())}…");
            results = nodeId is null
                ? await AuditChainChecker.VerifyHubAllAsync(http, progress, ct).ConfigureAwait(false)
                : [await AuditChainChecker.VerifyHubAsync(http, nodeId, progress, ct, expected: expected).ConfigureAwait(false)];
            if (results.Count == 0)
                AnsiConsole.MarkupLine("[yellow]The hub lists no nodes: nothing to verify.[/]");
        }

        foreach (var result in results)
        {
            AnsiConsole.MarkupLine(result.Ok ? $"[green]{Markup.Escape(result.Describe())}[/]" : $"[red]{Markup.Escape(result.Describe())}[/]");
            if (result.Warning is { } warning)
                AnsiConsole.MarkupLine($"[yellow]warning: {Markup.Escape(warning)}[/]");
        }
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
