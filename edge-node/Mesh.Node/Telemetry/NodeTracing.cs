using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mesh.Node.Telemetry;

/// <summary>Sends the node's spans (<see cref="NodeTelemetry.Source"/>) to an OpenTelemetry collector over OTLP/HTTP when
/// <c>Node:Telemetry:OtlpEndpoint</c> is set, a share of the readings by <c>Node:Telemetry:TraceSampleRatio</c>.</summary>
public static class NodeTracing
{
    public static IServiceCollection AddNodeTracing(this IServiceCollection services, NodeOptions? options)
    {
        if (options is not { Telemetry.OtlpEndpoint.Length: > 0 } o
            || !Uri.TryCreate(o.Telemetry.OtlpEndpoint, UriKind.Absolute, out var endpoint))
            return services;
        var ratio = Math.Clamp(double.IsNaN(o.Telemetry.TraceSampleRatio) ? 0 : o.Telemetry.TraceSampleRatio, 0, 1);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("mesh-node", serviceInstanceId: o.NodeId))
            .WithTracing(tracing => tracing
                .AddSource(NodeTelemetry.Name)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = new Uri(endpoint, "v1/traces");
                }));
        return services;
    }
}
