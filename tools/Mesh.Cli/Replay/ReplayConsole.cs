using System.Diagnostics;
using System.Text.Json;
using Mesh.Cli.Audit;
using Mesh.Node.Policy;
using Mesh.Node.Replay;
using Mesh.Protocol.Policy;
using Spectre.Console;

namespace Mesh.Cli.Replay;

/// <summary>Runs a replay for a person (progress, a table of divergences) or a script (<c>--json</c>).</summary>
internal static class ReplayConsole
{
    private const int ShownDivergences = 50;

    public static async Task<int> RunAsync(ReplayRequest request, CancellationToken ct)
    {
        ActivePolicy? whatIf = null;
        if (request.Policy is { } file)
        {
            var parsed = PolicyLoader.LoadFile(file.FullName);
            if (parsed.Policy is not { } policy)
            {
                foreach (var e in parsed.Errors)
                    Console.Error.WriteLine(e.ToString());
                return ExitCodes.Failure;
            }
            whatIf = new ActivePolicy(policy, new PolicySource("file", file.FullName));
        }

        // A pruned journal replays from its boundary, starting from the device states recorded there.
        var pruned = request.Journal is { } source ? PrunedStart.Read(source.FullName) : null;
        var engine = new ReplayEngine(whatIf, startStates: pruned?.States);
        foreach (var kept in pruned?.Policies ?? [])
            engine.Learn(kept);
        if (pruned is not null && !request.Json)
            AnsiConsole.MarkupLine(Markup.Escape($"The journal was pruned: {pruned.Boundary.Describe()}; replaying from the device states recorded at the boundary (sequence {pruned.Boundary.Through})."));
        var clock = Stopwatch.StartNew();
        var interactive = !request.Json && !Console.IsErrorRedirected;
        ChainCheckResult chain;
        if (interactive)
        {
            long? total = request.Journal is { } j && File.Exists(j.FullName) ? JournalHead(j.FullName) : null;
            chain = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("replaying", maxValue: Math.Max(1, total ?? 1));
                    task.IsIndeterminate = total is null;
                    var result = await ReadAsync(request, engine, new Progress<ChainCheckProgress>(p => task.Value = p.Sequence), ct).ConfigureAwait(false);
                    task.Value = task.MaxValue;
                    return result;
                }).ConfigureAwait(false);
        }
        else
        {
            chain = await ReadAsync(request, engine, request.Json ? null : new ReplayProgress(), ct).ConfigureAwait(false);
        }
        var report = engine.Finish();
        clock.Stop();

        if (request.Json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                chainOk = chain.Ok,
                chain = chain.Describe(),
                prunedThrough = chain.PrunedThrough,
                report.Records,
                report.Readings,
                report.Decisions,
                report.PoliciesSeen,
                whatIf = whatIf?.Ref,
                divergences = report.Divergences,
                report.Problems,
                seconds = clock.Elapsed.TotalSeconds,
            }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        else
            Print(chain, report, whatIf, clock.Elapsed);

        if (!chain.Ok || report.Problems.Count > 0)
            return ExitCodes.Failure;
        return whatIf is null && report.Divergences.Count > 0 ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static void Print(ChainCheckResult chain, ReplayReport report, ActivePolicy? whatIf, TimeSpan elapsed)
    {
        AnsiConsole.MarkupLine(chain.Ok ? $"[green]{Markup.Escape(chain.Describe())}[/]" : $"[red]{Markup.Escape(chain.Describe())}[/]");
        var rate = elapsed.TotalSeconds > 0 ? report.Readings / elapsed.TotalSeconds : 0;
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Replayed {report.Readings:N0} readings ({report.Decisions:N0} rule decisions) from {report.Records:N0} records under {report.PoliciesSeen} recorded policy version(s) in {elapsed.TotalSeconds:F2} s ({rate:N0} readings/s)."));
        foreach (var problem in report.Problems.Take(ShownDivergences))
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
        if (report.Divergences.Count == 0)
        {
            AnsiConsole.MarkupLine(whatIf is null
                ? "[green]No divergence: every decision replays exactly as recorded.[/]"
                : $"[green]Policy {Markup.Escape(whatIf.Ref)} would decide every reading as recorded: nothing flips.[/]");
            return;
        }
        AnsiConsole.MarkupLine(whatIf is null
            ? $"[red]{report.Divergences.Count:N0} reading(s) diverge from the record:[/]"
            : $"[yellow]Policy {Markup.Escape(whatIf.Ref)} would flip the decisions on {report.Divergences.Count:N0} reading(s):[/]");
        var table = new Table().AddColumns("sequence", "device", "reading", whatIf is null ? "expected (recorded)" : "recorded", whatIf is null ? "got (replayed)" : "with the new policy");
        foreach (var d in report.Divergences.Take(ShownDivergences))
            table.AddRow(d.Sequence.ToString(), Markup.Escape(d.Device), d.ReadingSeq.ToString(), Markup.Escape(d.Expected), Markup.Escape(d.Got));
        AnsiConsole.Write(table);
        if (report.Divergences.Count > ShownDivergences)
            AnsiConsole.MarkupLine($"… and {report.Divergences.Count - ShownDivergences:N0} more (use --json for all).");
    }

    /// <summary>Reads the chain from the journal or the hub, verifying it and feeding each verified record to the engine.</summary>
    private static async Task<ChainCheckResult> ReadAsync(ReplayRequest request, ReplayEngine engine, IProgress<ChainCheckProgress>? progress, CancellationToken ct)
    {
        if (request.Journal is { } journal)
            return await Task.Run(() => AuditChainChecker.VerifyJournalFile(journal.FullName, null, progress, ct, engine.Feed), ct).ConfigureAwait(false);
        using var http = HubConnection.Create(HubConnection.Address(request.Hub)!, request.Token);
        return await AuditChainChecker.VerifyHubAsync(http, request.Node!, progress, ct, engine.Feed).ConfigureAwait(false);
    }

    private static long? JournalHead(string path)
    {
        try
        {
            using var reader = Mesh.Node.Audit.AuditJournalStore.OpenReader(path);
            return Mesh.Node.Audit.AuditJournalStore.ReadLast(reader)?.Sequence;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null;
        }
    }

    /// <summary>Progress lines on stderr when it is not a terminal (logs, pipes).</summary>
    private sealed class ReplayProgress : IProgress<ChainCheckProgress>
    {
        public void Report(ChainCheckProgress value) =>
            Console.Error.WriteLine($"  {value.Verified:N0} records verified and replayed (sequence {value.Sequence:N0})…");
    }
}
