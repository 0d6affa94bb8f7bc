using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>A plain MQTT client acting as one device: publishes QoS 1 and records what it receives.</summary>
public sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private TestDevice(IMqttClient client) => _client = client;

    public ConcurrentQueue<(string Topic, string Payload)> Received { get; } = new();

    public static Task<TestDevice> ConnectAsync(int port, string clientId) => ConnectAsync(port, clientId, null, null);

    /// <summary>Connects with a username and password (null: none); throws <see cref="ConnectRefusedException"/> with the
    /// broker's reason code when refused.</summary>
    public static async Task<TestDevice> ConnectAsync(int port, string clientId, string? username, string? password,
        MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new TestDevice(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            device.Received.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithProtocolVersion(version);
        if (username is not null)
            options = options.WithCredentials(username, password);
        var result = await client.ConnectAsync(options.Build());
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new ConnectRefusedException(result.ResultCode, result.ReasonString);
        }
        return device;
    }

    public bool IsConnected => _client.IsConnected;

    public Task<MqttClientSubscribeResult> SubscribeAsync(string filter) =>
        _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());

    /// <summary>Publishes at QoS 1; true when the broker acknowledged with success.</summary>
    public Task<bool> PublishAsync(string topic, string payload) => PublishAsync(topic, Encoding.UTF8.GetBytes(payload));

    /// <summary>Publishes raw bytes at QoS 1 (a payload need not be text); true when the broker acknowledged with success.</summary>
    public async Task<bool> PublishAsync(string topic, byte[] payload) => (await PublishWithResultAsync(topic, payload)).IsSuccess;

    /// <summary>Publishes at QoS 1; the broker's PUBACK (its reason code says why a refusal was refused, with MQTT 5).</summary>
    public Task<MqttClientPublishResult> PublishWithResultAsync(string topic, string payload) => PublishWithResultAsync(topic, Encoding.UTF8.GetBytes(payload));

    /// <summary>Publishes raw bytes at QoS 1; the broker's PUBACK.</summary>
    public Task<MqttClientPublishResult> PublishWithResultAsync(string topic, byte[] payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
            await _client.DisconnectAsync();
        _client.Dispose();
    }
}

/// <summary>The broker answered CONNECT with a refusal.</summary>
public sealed class ConnectRefusedException(MqttClientConnectResultCode code, string? reason) : Exception($"connection refused: {code} {reason}")
{
    public MqttClientConnectResultCode ResultCode { get; } = code;
}
