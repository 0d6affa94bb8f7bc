using System.Buffers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Mesh.Protocol.Topics;

namespace Mesh.Node.Ingest;

/// <summary>
/// Ingests from an external broker (Mosquitto, EMQX) through a persistent session (clean session off) with
/// manual acknowledgement: a message is PUBACKed only after its records are durable. Messages not yet
/// acknowledged when the node dies are redelivered by the broker when the session resumes.
/// </summary>
public sealed class ExternalBrokerSubscriber : BackgroundService, IMqttPublisher
{
    private readonly MqttOptions _options;
    private readonly string _localApprovals;
    private readonly IngestPipeline _pipeline;
    private readonly ILogger<ExternalBrokerSubscriber> _logger;
    private readonly string _clientId;
    private readonly IMqttClient _client;

    public ExternalBrokerSubscriber(IOptions<NodeOptions> options, IngestPipeline pipeline, Control.LocalApprovals localApprovals, ILogger<ExternalBrokerSubscriber> logger)
    {
        _options = options.Value.Mqtt;
        _localApprovals = localApprovals.Topic;
        _pipeline = pipeline;
        _logger = logger;
        _clientId = _options.ClientId ?? $"mesh-node-{options.Value.NodeId}";
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessage;
    }

    /// <summary>True once connected and subscribed to the telemetry topics.</summary>
    public bool IsSubscribed { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _pipeline.Publisher = this;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                IsSubscribed = false;
                try
                {
                    await ConnectAsync(stoppingToken).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(200);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    IngestLog.ExternalRetry(_logger, ex, _options.Host, _options.Port, delay);
                    await Task.Delay(Jitter(delay), stoppingToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                    continue;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_clientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(false)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (_options.Username is not null)
            builder = builder.WithCredentials(_options.Username, _options.Password);
        var connected = await _client.ConnectAsync(builder.Build(), ct).ConfigureAwait(false);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"the broker refused the node's connection as {_options.Username ?? "(no username)"}: {connected.ResultCode}; check Node:Mqtt:Username and Password");
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(MeshTopics.TelemetryFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(_localApprovals).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        var granted = await _client.SubscribeAsync(subscribe, ct).ConfigureAwait(false);
        // A broker's ACL may refuse a subscription in its SUBACK alone: without this the node would wait, silently, for nothing.
        if (granted.Items.FirstOrDefault(i => (int)i.ResultCode >= 0x80) is { } refused)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), ct).ConfigureAwait(false);
            throw new InvalidOperationException($"the broker refused the subscription to {refused.TopicFilter.Topic} ({refused.ResultCode}); check the node account's ACL");
        }
        IsSubscribed = true;
        IngestLog.ExternalConnected(_logger, _options.Host, _options.Port, _clientId);
    }

    private Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        var payload = e.ApplicationMessage.Payload.ToArray();
        // Handing off synchronously keeps per-device order: the pipeline enqueues to the device agent before its first await.
        var handling = _pipeline.HandleAsync(e.ApplicationMessage.Topic, payload, CancellationToken.None);
        _ = AcknowledgeWhenDurableAsync(e, handling);
        return Task.CompletedTask;
    }

    private async Task AcknowledgeWhenDurableAsync(MqttApplicationMessageReceivedEventArgs e, Task<IngestOutcome> handling)
    {
        try
        {
            await handling.ConfigureAwait(false);
            await e.AcknowledgeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not acknowledged: drop the connection so the broker redelivers it on the resumed session.
            if (ex is Audit.BacklogFullException)
                IngestLog.HeldBacklogFull(_logger, e.ApplicationMessage.Topic, _clientId);
            else
                IngestLog.NotRecorded(_logger, ex, e.ApplicationMessage.Topic, _clientId);
            try { await _client.DisconnectAsync(new MqttClientDisconnectOptions()).ConfigureAwait(false); }
            catch (Exception disconnectError) { IngestLog.PublishFailed(_logger, disconnectError, "(disconnect)"); }
        }
    }

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        try
        {
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload.ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await _client.PublishAsync(message, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            IngestLog.PublishFailed(_logger, ex, topic);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _pipeline.Publisher = null;
        if (_client.IsConnected)
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private static TimeSpan Jitter(TimeSpan d) => d * (0.5 + Random.Shared.NextDouble());
}
