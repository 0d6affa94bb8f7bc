using System.Collections.Concurrent;
using System.Diagnostics;
using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.EndToEnd.Tests;

/// <summary>A real mesh-node's <c>/metrics</c> scraped before and after readings, and the spans of one reading.</summary>
public sealed class NodeMetricsTests(HubFixture hub) : IClassFixture<HubFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Metrics_AfterReadingsAndARejection_CountersAndLatencyChangeAndSyncCatchesUp()
    {
        using var dir = new TempDirectory();
        var (mqttPort, statusPort) = (NodeProcess.FreePort(), NodeProcess.FreePort());
        using var node = await NodeProcess.StartAsync(mqttPort, NodeArgs.Anonymous, "--Node:NodeId=met-1", "--Node:Site=site-met", $"--Node:DataDirectory={dir.Sub("data")}",
            $"--Node:Sync:HubUrl={hub.Hub.Address}", $"--Node:StatusUrl=http://127.0.0.1:{statusPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}") };
        await Poll.UntilAsync(async () => await ScrapeOrNull(http) is not null, Timeout, () => $"the node's /metrics; it said:\n{node.Output}");
        var before = (await ScrapeOrNull(http))!;
        Value(before, "mesh_node_readings_accepted_total").ShouldBe(0);

        await using var device = await TestDevice.ConnectAsync(mqttPort, "met-dev");
        (await device.PublishAsync(Readings.Telemetry("site-met", "met-dev"), Readings.Temperature(1, 21.0))).ShouldBeTrue();
        (await device.PublishAsync(Readings.Telemetry("site-met", "met-dev"), Readings.Temperature(2, 35.0))).ShouldBeTrue();
        (await device.PublishAsync(Readings.Telemetry("site-met", "met-dev"), "{not json")).ShouldBeTrue();

        IReadOnlyList<PrometheusSample> after = [];
        await Poll.UntilAsync(async () =>
        {
            after = (await ScrapeOrNull(http))!;
            return Value(after, "mesh_node_sync_lag") == 0 && Value(after, "mesh_node_sync_acked") == Value(after, "mesh_node_journal_head");
        }, Timeout, () => $"the hub acknowledges the whole journal (lag {Value(after, "mesh_node_sync_lag")})");

        Value(after, "mesh_node_readings_accepted_total").ShouldBe(2);
        Value(after, "mesh_node_readings_rejected_total").ShouldBe(1);
        Value(after, "mesh_node_decisions_total").ShouldBe(1, "35 °C fires the overheat rule");
        Value(after, "mesh_node_actions_total").ShouldBe(1, "and sends cooling-on");
        Value(after, "mesh_node_journal_head").ShouldBeGreaterThan(Value(before, "mesh_node_journal_head"));
        (Value(after, "mesh_node_journal_append_duration_seconds_count") - Value(before, "mesh_node_journal_append_duration_seconds_count"))
            .ShouldBeGreaterThanOrEqualTo(3, "one append per reading at least");
        Value(after, "mesh_node_journal_append_duration_seconds_sum").ShouldBeGreaterThan(0);
        Value(after, "mesh_node_sync_batches_total").ShouldBeGreaterThan(Value(before, "mesh_node_sync_batches_total"));
        after.ShouldContain(s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal), "the runtime's own metrics come along");
    }

    [Fact]
    public async Task Spans_OneHotReading_ReadingSpanWithDecideAndCommandsChildren()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NodeTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var dir = new TempDirectory();
        await using var node = await LocalNode.StartAsync("span-1", "site-span", dir.Sub("span-1"), hubUrl: null, extraArgs: NodeArgs.Anonymous);
        await using var device = await TestDevice.ConnectAsync(node.MqttPort, "span-dev");

        (await device.PublishAsync(Readings.Telemetry("site-span", "span-dev"), Readings.Temperature(7, 36.0))).ShouldBeTrue();

        Activity? reading = null;
        await Poll.UntilAsync(() => (reading = stopped.FirstOrDefault(a => a.OperationName == "mesh.reading" && (string?)a.GetTagItem("mesh.device") == "span-dev")) is not null,
            Timeout, "the reading's span");
        reading!.GetTagItem("mesh.node_id").ShouldBe("span-1");
        reading.GetTagItem("mesh.seq").ShouldBe(7L);
        reading.GetTagItem("mesh.outcome").ShouldBe("accepted");
        var children = stopped.Where(a => a.ParentSpanId == reading.SpanId).Select(a => a.OperationName).ToList();
        children.ShouldBe(["mesh.decide", "mesh.commands"], ignoreOrder: true);
        stopped.Single(a => a.ParentSpanId == reading.SpanId && a.OperationName == "mesh.decide").TraceId.ShouldBe(reading.TraceId);
    }

    [Fact]
    public async Task Traces_OtlpEndpointConfigured_ReadingSpansReachTheCollector()
    {
        var received = new ConcurrentQueue<byte[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue(body.ToArray());
            return Results.Bytes([], "application/x-protobuf");
        });
        await collector.StartAsync();
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var dir = new TempDirectory();
        var mqttPort = NodeProcess.FreePort();
        using var node = await NodeProcess.StartAsync(mqttPort, NodeArgs.Anonymous, "--Node:NodeId=otlp-1", "--Node:Site=site-otlp", $"--Node:DataDirectory={dir.Sub("data")}",
            $"--Node:Telemetry:OtlpEndpoint={address}", "--Node:Telemetry:TraceSampleRatio=1");
        await using var device = await TestDevice.ConnectAsync(mqttPort, "otlp-dev");
        (await device.PublishAsync(Readings.Telemetry("site-otlp", "otlp-dev"), Readings.Temperature(3, 37.0))).ShouldBeTrue();

        // OTLP protobuf carries names and string values as UTF-8: the exported spans are found by their text.
        var exported = "";
        await Poll.UntilAsync(() =>
        {
            exported = string.Concat(received.Select(System.Text.Encoding.UTF8.GetString));
            return exported.Contains("mesh.reading") && exported.Contains("mesh.decide") && exported.Contains("mesh.commands") && exported.Contains("otlp-dev");
        }, Timeout, () => $"the reading's spans at the collector ({received.Count} exports); the node said:\n{node.Output}");
        exported.ShouldContain("mesh-node", customMessage: "the spans name their service");
    }

    private static async Task<IReadOnlyList<PrometheusSample>?> ScrapeOrNull(HttpClient http)
    {
        try
        {
            return PrometheusText.Parse(await http.GetStringAsync("/metrics"));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static double Value(IReadOnlyList<PrometheusSample> samples, string name) => PrometheusText.Sum(samples, name, ("node_id", "met-1"));
}
