using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>A plain MQTT client acting as one device: publishes QoS 1 and records what it receives.</summary>
public sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private TestDevice(IMqttClient client) => _client = client;

    public ConcurrentQueue<(string Topic, string Payload)> Received { get; } = new();

    public static async Task<TestDevice> ConnectAsync(int port, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new TestDevice(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            device.Received.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).Build());
        return device;
    }

    public Task SubscribeAsync(string filter) =>
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());

    /// <summary>Publishes at QoS 1; true when the broker acknowledged with success.</summary>
    public Task<bool> PublishAsync(string topic, string payload) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    /// <summary>Publishes raw bytes at QoS 1 (a payload need not be text); true when the broker acknowledged with success.</summary>
    public async Task<bool> PublishAsync(string topic, byte[] payload)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.IsSuccess;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
            await _client.DisconnectAsync();
        _client.Dispose();
    }
}
