using System.CommandLine;

namespace Mesh.Cli.Sim;

/// <summary><c>mesh sim</c>: simulated sensors publishing telemetry to a node.</summary>
public static class SimCommand
{
    public static Command Create()
    {
        var defaults = new SimulatorOptions();
        var host = new Option<string>("--host") { Description = "MQTT broker host of the node", DefaultValueFactory = _ => defaults.Host };
        var port = new Option<int>("--port", "-p") { Description = "MQTT broker port", DefaultValueFactory = _ => defaults.Port };
        var ports = new Option<int[]>("--ports") { Description = "the brokers of a multi-node site (repeat, or comma-separate): devices spread over them and move to the next when theirs stops answering", AllowMultipleArgumentsPerToken = true, CustomParser = ParsePorts };
        var sites = new Option<string[]>("--site", "-s") { Description = "site to simulate (repeat for several)", DefaultValueFactory = _ => [.. defaults.Sites] };
        var devices = new Option<int>("--devices", "-d") { Description = "devices per site", DefaultValueFactory = _ => defaults.Devices };
        var rate = new Option<double>("--rate", "-r") { Description = "new readings per second across all devices (0 = as fast as acknowledged)", DefaultValueFactory = _ => defaults.Rate };
        var duration = new Option<double?>("--duration") { Description = "seconds to keep starting new readings (default: until --readings, or Ctrl+C)" };
        var readings = new Option<int?>("--readings", "-n") { Description = "publishes per device, valid and malformed (default: until --duration, or Ctrl+C)" };
        var malformed = new Option<double>("--malformed") { Description = "share of publishes that are malformed, 0..1", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "seed for generated values and malformed choice", DefaultValueFactory = _ => defaults.Seed };
        var startSeq = new Option<long?>("--start-seq") { Description = "first seq of every device (default: current Unix time in ms, so reruns are not duplicates)" };
        var inFlight = new Option<int>("--in-flight") { Description = "publishes per device awaiting PUBACK", DefaultValueFactory = _ => defaults.MaxInFlightPerDevice };
        var sensors = new Option<SensorKind>("--sensors") { Description = "what devices measure: Thermal (dev-NNNN: temperature, humidity) or ColdRoom (room-NNNN: temperature, humidity, power, vibration, with faults)", DefaultValueFactory = _ => defaults.Sensors };
        var credentials = new Option<FileInfo?>("--credentials") { Description = "a file of '<device>:<password>' lines ('mesh device add --credentials-out'): each device connects with username = client id = its id and its password" };
        var threshold = new Option<double>("--threshold") { Description = "temperature threshold the readings should cross now and then", DefaultValueFactory = _ => defaults.Threshold };

        var command = new Command("sim", "Simulate sensors publishing telemetry (QoS 1, at-least-once) to a node's MQTT broker.")
        {
            host, port, ports, sites, devices, rate, duration, readings, malformed, seed, startSeq, inFlight, threshold, sensors, credentials,
        };
        command.SetAction((parse, ct) =>
        {
            Devices.DeviceCredentials? passwords = null;
            if (parse.GetValue(credentials) is { } file)
            {
                try
                {
                    passwords = Devices.DeviceCredentials.ReadCredentialsFile(file.FullName, parse.GetValue(sites) ?? []);
                }
                catch (Exception ex) when (ex is Devices.DeviceFileException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"mesh sim: --credentials: {ex.Message}");
                    return Task.FromResult(ExitCodes.Usage);
                }
            }
            var options = new SimulatorOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                Ports = parse.GetValue(ports) ?? [],
                Sites = parse.GetValue(sites) ?? [],
                Devices = parse.GetValue(devices),
                Rate = parse.GetValue(rate),
                Duration = parse.GetValue(duration) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                ReadingsPerDevice = parse.GetValue(readings),
                MalformedShare = parse.GetValue(malformed),
                Seed = parse.GetValue(seed),
                StartSeq = parse.GetValue(startSeq) ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                MaxInFlightPerDevice = parse.GetValue(inFlight),
                Threshold = parse.GetValue(threshold),
                Sensors = parse.GetValue(sensors),
                Credentials = passwords,
            };
            return SimConsole.RunAsync(options, ct);
        });
        return command;
    }

    private static int[] ParsePorts(System.CommandLine.Parsing.ArgumentResult result)
    {
        var ports = new List<int>();
        foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(text, out var port) || port is < 1 or > 65535)
            {
                result.AddError($"--ports: '{text}' is not a TCP port (1..65535)");
                return [];
            }
            ports.Add(port);
        }
        return [.. ports];
    }
}
