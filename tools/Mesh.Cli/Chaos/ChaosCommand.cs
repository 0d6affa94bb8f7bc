using System.CommandLine;
using Mesh.Cli.Chaos.Fuzz;

namespace Mesh.Cli.Chaos;

/// <summary><c>mesh chaos</c>: long fuzz runs and fault schedules against real processes (docs/RELIABILITY.md).</summary>
public static class ChaosCommand
{
    public static Command Create() => new("chaos", "Fuzz the inputs and break the processes, then check nothing acknowledged was lost (docs/RELIABILITY.md)")
    {
        FuzzCommand(),
    };

    private static Command FuzzCommand()
    {
        var kind = new Option<FuzzKind>("--kind") { Description = "What to generate: payload (MQTT telemetry), policy (policy files) or profile (hardware profiles)", Required = true };
        var count = new Option<long>("--count") { Description = "How many inputs", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the run; the same seed gives the same inputs (default: from the clock, printed)" };
        var start = new Option<long>("--start") { Description = "Index of the first input (to run one failing input again)", DefaultValueFactory = _ => 0 };
        var command = new Command("fuzz", "Feed generated inputs to a parser and check every answer: accepted, or refused with a precise error; never a crash or a hang")
        {
            kind, count, seed, start,
        };
        command.SetAction((r, ct) =>
        {
            var n = r.GetValue(count);
            var first = r.GetValue(start);
            if (n < 1 || first < 0)
            {
                Console.Error.WriteLine("mesh chaos fuzz: --count must be positive and --start not negative");
                return Task.FromResult(ExitCodes.Usage);
            }
            var s = r.GetResult(seed) is null ? Environment.TickCount & 0x7FFFFFFF : r.GetValue(seed);
            var k = r.GetValue(kind);
            Console.WriteLine($"fuzz {k.ToString().ToLowerInvariant()}: seed {s}, inputs {first}..{first + n - 1}");
            var lastShown = 0L;
            var report = FuzzRunner.Run(k, new FuzzOptions(s, n, first), done =>
            {
                if (done - lastShown >= 100_000)
                {
                    lastShown = done;
                    Console.WriteLine($"  {done:N0} inputs");
                }
            }, ct);
            Print(report);
            return Task.FromResult(report.Passed ? ExitCodes.Ok : ExitCodes.Failure);
        });
        return command;
    }

    private static void Print(FuzzReport report)
    {
        Console.WriteLine($"fuzz {report.Kind.ToString().ToLowerInvariant()}: {report.Inputs:N0} inputs in {report.Elapsed.TotalSeconds:F1} s "
            + $"({report.InputsPerSecond:N0}/s), {report.Accepted:N0} accepted, {report.Rejected:N0} rejected, slowest input {report.SlowestInput.TotalMilliseconds:F1} ms");
        foreach (var (reason, n) in report.TopReasons.Take(12))
            Console.WriteLine($"  {n,9:N0}  {reason}");
        if (report.Failure is { } failure)
            Console.WriteLine(failure);
    }
}
