using System.CommandLine;
using Mesh.Cli.Chaos.Fuzz;

namespace Mesh.Cli.Chaos;

/// <summary><c>mesh chaos</c>: long fuzz runs and fault schedules against real processes (docs/RELIABILITY.md).</summary>
public static class ChaosCommand
{
    public static Command Create() => new("chaos", "Fuzz the inputs and break the processes, then check nothing acknowledged was lost (docs/RELIABILITY.md)")
    {
        FuzzCommand(),
        RunCommand(),
        HubCommand(),
    };

    private static Command RunCommand()
    {
        var duration = new Option<TimeSpan>("--duration") { Description = "How long the devices publish and the faults strike (e.g. 00:05:00)", DefaultValueFactory = _ => TimeSpan.FromSeconds(60) };
        var nodes = new Option<int>("--nodes") { Description = "Nodes, each its own process and site", DefaultValueFactory = _ => 2 };
        var devices = new Option<int>("--devices") { Description = "Simulated devices per node", DefaultValueFactory = _ => 5 };
        var rate = new Option<double>("--rate") { Description = "Readings per second per node", DefaultValueFactory = _ => 25 };
        var malformed = new Option<double>("--malformed") { Description = "Share of malformed readings", DefaultValueFactory = _ => 0.02 };
        var every = new Option<TimeSpan>("--fault-every") { Description = "Time between faults (node SIGKILL, partition, hub SIGKILL, in turn)", DefaultValueFactory = _ => TimeSpan.FromSeconds(6) };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated devices", DefaultValueFactory = _ => 1 };
        var rounds = new Option<int?>("--rounds") { Description = "Exactly this many rounds of faults (node kill, partition, hub kill), however long they take; default: until --duration is up" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Keep the hub's and nodes' files and logs here (default: a temporary folder, removed)" };
        var command = new Command("run", "A hub and nodes as processes under load, with faults on a schedule; then check nothing acknowledged was lost, nothing was done twice, every chain verifies")
        {
            duration, nodes, devices, rate, malformed, every, seed, rounds, data,
        };
        command.SetAction(async (r, ct) =>
        {
            var options = new Run.ChaosRunOptions
            {
                Duration = r.GetValue(duration), Nodes = r.GetValue(nodes), DevicesPerNode = r.GetValue(devices), Rate = r.GetValue(rate),
                Malformed = r.GetValue(malformed), FaultEvery = r.GetValue(every), Seed = r.GetValue(seed), Rounds = r.GetValue(rounds), DataDirectory = r.GetValue(data)?.FullName,
            };
            if (options.Validate() is { Count: > 0 } errors)
            {
                foreach (var e in errors)
                    Console.Error.WriteLine($"mesh chaos run: {e}");
                return ExitCodes.Usage;
            }
            var report = await new Run.ChaosRunner(options, Console.WriteLine).RunAsync(ct).ConfigureAwait(false);
            Run.ChaosSummary.Print(report, Console.WriteLine);
            return report.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static Command HubCommand()
    {
        var port = new Option<int>("--port") { Required = true };
        var data = new Option<string>("--data") { Required = true };
        var token = new Option<string>("--token-sha256") { Required = true };
        var command = new Command("hub", "Run the hub of 'mesh chaos run' (started by it)") { port, data, token };
        command.Hidden = true;
        command.SetAction(async (r, ct) =>
        {
            var app = Mesh.Hub.HubApp.Build([
                $"--Hub:Url=http://127.0.0.1:{r.GetValue(port)}", $"--Hub:DataPath={r.GetValue(data)}", "--Logging:LogLevel:Default=Warning",
                // Faults are injected on cleartext gRPC through the fault proxy; the TLS endpoint has its own tests (EnrollmentTests).
                "--Hub:Enrollment:Url=", "--Hub:Enrollment:PlaintextNodes=true",
                "--Hub:Access:Tokens:0:Name=chaos", $"--Hub:Access:Tokens:0:Role={Mesh.Hub.Access.AccessRoles.Admin}", $"--Hub:Access:Tokens:0:Sha256={r.GetValue(token)}"]);
            await app.StartAsync(ct).ConfigureAwait(false);
            await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(app, ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

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
