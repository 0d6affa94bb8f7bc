using System.CommandLine;
using System.Text.Json;

namespace Mesh.Cli.Bench;

/// <summary><c>mesh bench</c>: the project's own benchmarks.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the figures (progress goes to stderr)" };
        var devices = new Option<int>("--devices") { Description = "Publishing devices, one MQTT connection each", DefaultValueFactory = _ => 200 };
        var readings = new Option<int>("--readings") { Description = "Readings per device in the max-rate runs", DefaultValueFactory = _ => 200 };
        var latencyRate = new Option<double>("--latency-rate") { Description = "Readings per second of the latency run", DefaultValueFactory = _ => 5000 };
        var latencySeconds = new Option<double>("--latency-seconds") { Description = "Seconds of the latency run", DefaultValueFactory = _ => 10 };
        var policy = new Option<FileInfo?>("--policy") { Description = "Policy file the node runs (site site-a), e.g. policies/bench-50-rules.yaml; default: the built-in single rule" };
        var sensors = new Option<Sim.SensorKind>("--sensors") { Description = "what the devices send: Thermal (temperature, humidity) or ColdRoom (4 metrics, for the anomaly model)", DefaultValueFactory = _ => Sim.SensorKind.Thermal };
        var anonymous = new Option<bool>("--anonymous") { Description = "Run the node with Node:Devices:AllowAnonymous=true (no device passwords or topic checks), to measure what they cost" };
        var ingest = new Command("ingest", "End-to-end ingest: MQTT QoS 1 publish → durable audit record → PUBACK, against a broker-only baseline")
        {
            json, devices, readings, latencyRate, latencySeconds, policy, sensors, anonymous,
        };
        ingest.SetAction(async (r, ct) =>
        {
            var options = new IngestBenchOptions
            {
                Devices = r.GetValue(devices),
                Readings = r.GetValue(readings),
                LatencyRate = r.GetValue(latencyRate),
                LatencySeconds = r.GetValue(latencySeconds),
                PolicyFile = r.GetValue(policy)?.FullName,
                Sensors = r.GetValue(sensors),
                Anonymous = r.GetValue(anonymous),
            };
            if (options.Devices is < 1 or > 10_000 || options.Readings < 1 || options.LatencyRate <= 0 || options.LatencySeconds <= 0)
            {
                Console.Error.WriteLine("mesh bench ingest: --devices must be 1..10000; --readings, --latency-rate and --latency-seconds positive");
                return ExitCodes.Usage;
            }
            var asJson = r.GetValue(json);
            Action<string> say = asJson ? Console.Error.WriteLine : Console.WriteLine;
            var result = await new IngestBench(options, say).RunAsync(ct).ConfigureAwait(false);
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(result, BenchJson.Default.IngestBenchResult));
            else
                Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(BenchJson.Default.Options) { WriteIndented = true, TypeInfoResolver = BenchJson.Default }));
            if (result.ModelRuns == 0 && options.PolicyFile is { } file && ReadsModel(file))
            {
                Console.Error.WriteLine("mesh bench ingest: the policy reads a model but the node's journal holds no model run; the figures measure nothing of it (see the node's ModelRefused records, and --sensors ColdRoom)");
                return ExitCodes.Failure;
            }
            return result.AllAcknowledged ? ExitCodes.Ok : ExitCodes.Failure;
        });

        var port = new Option<int>("--port") { Description = "Port to listen on", Required = true };
        var broker = new Command("broker", "Run the broker-only baseline (used by 'bench ingest')") { port };
        broker.Hidden = true;
        broker.SetAction((r, ct) => BrokerOnly.RunAsync(r.GetValue(port), ct));

        static bool ReadsModel(string file) =>
            Mesh.Protocol.Policy.PolicyLoader.LoadFile(file).Policy is { } p
            && new Mesh.Node.Policy.ActivePolicy(p, Mesh.Node.Policy.PolicySource.BuiltIn, null).For("room-0001").Models.Count > 0;

        return new Command("bench", "Measure Mesh on this machine")
        {
            ingest, broker, ReplayBench.Command(), JournalBench.Command(), RebuildBench.Command(), InferenceBench.Command(), OffloadBench.Command(), DrainBench.Command(), HubBench.Command(), SiteBench.Command(), TimelineBench.Command(), ConsoleBench.Command(),
        };
    }
}
