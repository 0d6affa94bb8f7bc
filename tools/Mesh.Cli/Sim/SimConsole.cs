using System.Globalization;
using Spectre.Console;

namespace Mesh.Cli.Sim;

/// <summary>Runs a simulation for a person at a terminal (or a log): live progress, then a summary table.</summary>
internal static class SimConsole
{
    public static async Task<int> RunAsync(SimulatorOptions options, CancellationToken ct)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
                Console.Error.WriteLine($"mesh sim: {error}");
            Console.Error.WriteLine("Run 'mesh sim --help' for the options.");
            return ExitCodes.Usage;
        }

        var devices = options.Sites.Count * options.Devices;
        var until = (options.Duration, options.ReadingsPerDevice) switch
        {
            (null, null) => "until Ctrl+C",
            ({ } d, null) => $"for {d.TotalSeconds:0.#} s",
            (null, { } n) => $"{n} readings per device",
            ({ } d, { } n) => $"{n} readings per device or {d.TotalSeconds:0.#} s",
        };
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Simulating {devices} device(s) on {string.Join(", ", options.Sites)} → {options.Host}:{options.Port}, "
            + $"{(options.Rate > 0 ? $"{options.Rate:0.#} readings/s" : "as fast as acknowledged")}, {until} (seq from {options.StartSeq})."));

        SimulationResult result;
        try
        {
            result = await RunWithProgressAsync(options, ct).ConfigureAwait(false);
        }
        catch (SimulatorException ex)
        {
            AnsiConsole.MarkupLine($"[red]mesh sim: {Markup.Escape(ex.Message)}[/]");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]mesh sim: cancelled while connecting.[/]");
            return ExitCodes.Failure;
        }

        AnsiConsole.Write(SummaryTable(result));
        if (result.AllValidAcknowledged)
        {
            AnsiConsole.MarkupLine($"[green]All {result.AttemptedValid} valid readings were acknowledged.[/]");
            return ExitCodes.Ok;
        }
        AnsiConsole.MarkupLine($"[red]{result.AttemptedValid - result.Acknowledged} of {result.AttemptedValid} valid readings were not acknowledged"
            + (result.Cancelled ? " (the run was cancelled)" : $" within {options.GiveUpAfter.TotalSeconds:0} s of retrying; is the node up?") + "[/]");
        return ExitCodes.Failure;
    }

    private static async Task<SimulationResult> RunWithProgressAsync(SimulatorOptions options, CancellationToken ct)
    {
        var simulator = new SensorSimulator();
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPrinted = TimeSpan.Zero;
            var log = new SyncProgress(p =>
            {
                if (p.Elapsed - lastPrinted < TimeSpan.FromSeconds(2))
                    return;
                lastPrinted = p.Elapsed;
                Console.WriteLine(Line(p));
            });
            return await simulator.RunAsync(options, log, ct).ConfigureAwait(false);
        }
        return await AnsiConsole.Live(new Markup("connecting…"))
            .AutoClear(false)
            .StartAsync(async ctx =>
            {
                var live = new SyncProgress(p =>
                {
                    ctx.UpdateTarget(new Markup(Markup.Escape(Line(p))));
                    ctx.Refresh();
                });
                return await simulator.RunAsync(options, live, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    private static string Line(SimulationProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Elapsed.TotalSeconds,6:0.0} s  sent {p.Sent:N0}  acked {p.Acknowledged:N0}  retries {p.Retries:N0}  "
        + $"malformed {p.Malformed:N0}  failed {p.Failures:N0}  offline {p.Disconnected:N0}");

    private static Table SummaryTable(SimulationResult r)
    {
        var table = new Table().Title("mesh sim").AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.HideHeaders();
        void Row(string name, FormattableString value) => table.AddRow(Markup.Escape(name), Markup.Escape(value.ToString(CultureInfo.InvariantCulture)));
        Row("elapsed", $"{r.Elapsed.TotalSeconds:0.00} s");
        Row("published", $"{r.Attempted:N0} ({r.AttemptedValid:N0} valid, {r.AttemptedMalformed:N0} malformed)");
        Row("acknowledged valid", $"{r.Acknowledged:N0}");
        Row("acknowledged malformed", $"{r.AcknowledgedMalformed:N0}");
        Row("refused malformed", $"{r.RefusedMalformed:N0}");
        Row("republished", $"{r.Retries:N0}");
        Row("reconnects", $"{r.Reconnects:N0}");
        Row("never acknowledged", $"{r.Failures:N0}");
        Row("throughput", $"{r.Throughput:N0} acknowledged readings/s");
        Row("PUBACK latency", $"p50 {r.LatencyP50Ms:0.00} ms, p99 {r.LatencyP99Ms:0.00} ms");
        if (r.AttemptedMalformed > 0)
            Row("malformed kinds", $"{string.Join(", ", r.MalformedByKind.Where(k => k.Value > 0).Select(k => $"{k.Key} {k.Value}"))}");
        if (r.Cancelled)
            Row("cancelled", $"yes");
        return table;
    }

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool and reorder).</summary>
    private sealed class SyncProgress(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        private readonly Lock _lock = new();

        public void Report(SimulationProgress value)
        {
            lock (_lock)
                report(value);
        }
    }
}
