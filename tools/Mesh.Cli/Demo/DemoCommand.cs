using System.CommandLine;

namespace Mesh.Cli.Demo;

/// <summary><c>mesh demo</c>: a hub, two nodes on two sites and a sensor simulator, over real loopback sockets.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var devices = new Option<int>("--devices") { Description = "Simulated devices per site (two sites)", DefaultValueFactory = _ => 20 };
        var rate = new Option<double>("--rate") { Description = "Readings per second across all devices", DefaultValueFactory = _ => 200 };
        var duration = new Option<double>("--duration") { Description = "Seconds the simulator publishes", DefaultValueFactory = _ => 15 };
        var malformed = new Option<double>("--malformed") { Description = "Share of malformed payloads (0..1)", DefaultValueFactory = _ => 0.02 };
        var siteNodes = new Option<int>("--site-nodes") { Description = "Nodes serving site-a as one cluster (2..5: each its own process, one killed mid-run and restarted)", DefaultValueFactory = _ => 1 };
        var data = new Option<string?>("--data") { Description = "Keep hub and node files in this directory (default: a temporary one, removed)" };
        var command = new Command("demo", "Run a hub, two nodes and simulated sensors on this machine, then verify the audit trail end to end")
        {
            devices, rate, duration, malformed, siteNodes, data,
        };
        command.SetAction(async (result, ct) =>
        {
            var options = new DemoOptions
            {
                Devices = result.GetValue(devices),
                Rate = result.GetValue(rate),
                Duration = TimeSpan.FromSeconds(result.GetValue(duration)),
                Malformed = result.GetValue(malformed),
                DataDirectory = result.GetValue(data),
                SiteNodes = result.GetValue(siteNodes),
            };
            var problems = Validate(options);
            if (problems.Count > 0)
            {
                foreach (var p in problems)
                    Console.Error.WriteLine($"mesh demo: {p}");
                return ExitCodes.Usage;
            }
            return await new DemoRunner(options).RunAsync(ct).ConfigureAwait(false);
        });
        return command;
    }

    private static List<string> Validate(DemoOptions o)
    {
        var errors = new List<string>();
        if (o.Devices is < 1 or > 5000) errors.Add($"--devices {o.Devices} must be within 1..5000");
        if (!double.IsFinite(o.Rate) || o.Rate <= 0) errors.Add($"--rate {o.Rate} must be a positive number");
        if (o.Duration <= TimeSpan.Zero || o.Duration > TimeSpan.FromHours(1)) errors.Add("--duration must be within 0..3600 seconds");
        if (!(o.Malformed is >= 0 and <= 1)) errors.Add($"--malformed {o.Malformed} must be within 0..1");
        if (o.SiteNodes is < 1 or > 5) errors.Add($"--site-nodes {o.SiteNodes} must be within 1..5");
        return errors;
    }
}
