using System.Text.Json.Serialization;

namespace Mesh.Cli.Bench;

/// <summary>Figures of <c>mesh bench ingest</c>; the JSON names are the ones the issue and docs/BENCHMARKS.md use.</summary>
public sealed record IngestBenchResult
{
    [JsonPropertyName("readings_per_sec")] public double ReadingsPerSec { get; init; }
    [JsonPropertyName("broker_only_per_sec")] public double BrokerOnlyPerSec { get; init; }
    [JsonPropertyName("ratio")] public double Ratio { get; init; }
    [JsonPropertyName("p50_ms")] public double P50Ms { get; init; }
    [JsonPropertyName("p99_ms")] public double P99Ms { get; init; }
    [JsonPropertyName("latency_rate")] public double LatencyRate { get; init; }
    [JsonPropertyName("latency_achieved_per_sec")] public double LatencyAchievedPerSec { get; init; }
    [JsonPropertyName("max_rate_p50_ms")] public double MaxRateP50Ms { get; init; }
    [JsonPropertyName("max_rate_p99_ms")] public double MaxRateP99Ms { get; init; }
    [JsonPropertyName("rss_idle_mb")] public double RssIdleMb { get; init; }
    [JsonPropertyName("rss_load_mb")] public double RssLoadMb { get; init; }
    [JsonPropertyName("devices")] public int Devices { get; init; }
    [JsonPropertyName("device_credentials")] public bool DeviceCredentials { get; init; }
    [JsonPropertyName("readings")] public long Readings { get; init; }
    [JsonPropertyName("all_acknowledged")] public bool AllAcknowledged { get; init; }
    [JsonPropertyName("sensors")] public string Sensors { get; init; } = "";
    [JsonPropertyName("model_runs")] public long ModelRuns { get; init; }
    [JsonPropertyName("model_runs_local")] public long ModelRunsLocal { get; init; }
    [JsonPropertyName("model_runs_degraded")] public long ModelRunsDegraded { get; init; }
}

[JsonSerializable(typeof(IngestBenchResult))]
[JsonSourceGenerationOptions(WriteIndented = false)]
internal sealed partial class BenchJson : JsonSerializerContext;
