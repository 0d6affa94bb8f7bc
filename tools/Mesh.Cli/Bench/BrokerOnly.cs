using System.Net;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Mesh.Protocol.Topics;

namespace Mesh.Cli.Bench;

/// <summary>The benchmark's baseline: the same MQTTnet broker the node embeds, with a plain QoS 1 subscriber
/// on the telemetry topics and no node logic at all.</summary>
public static class BrokerOnly
{
    public static async Task<int> RunAsync(int port, CancellationToken ct)
    {
        var options = new MqttServerOptionsBuilder().WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(port).Build();
        using var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync().ConfigureAwait(false);
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        long received = 0;
        subscriber.ApplicationMessageReceivedAsync += _ => { Interlocked.Increment(ref received); return Task.CompletedTask; };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-subscriber").Build(), ct).ConfigureAwait(false);
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(MeshTopics.TelemetryFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build(), ct).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
