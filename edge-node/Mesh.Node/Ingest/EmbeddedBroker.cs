using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mesh.Node.Devices;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Mesh.Node.Ingest;

/// <summary>
/// The node's own MQTTnet broker (the default). Telemetry is handled inside the publish interceptor, which
/// MQTTnet awaits before it queues the PUBACK: so a device's QoS 1 publish is acknowledged only once its
/// records are durable. If recording fails, the connection is closed without a PUBACK and the device resends.
/// </summary>
public sealed class EmbeddedBroker : IHostedService, IMqttPublisher, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly IngestPipeline _pipeline;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly BrokerAccess _access;
    private readonly AccessRefusals _refusals;
    private MqttServer? _server;

    public EmbeddedBroker(IOptions<NodeOptions> options, IngestPipeline pipeline, BrokerAccess access, AccessRefusals refusals, ILogger<EmbeddedBroker> logger)
    {
        _options = options.Value.Mqtt;
        _pipeline = pipeline;
        _access = access;
        _refusals = refusals;
        _logger = logger;
    }

    /// <summary>The port the broker listens on (resolved when the configured port is 0).</summary>
    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.Host);
        Port = _options.Port != 0 ? _options.Port : FreePort(address);
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(Port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.InterceptingPublishAsync += OnPublishAsync;
        if (!_access.Open)
        {
            _server.ValidatingConnectionAsync += OnConnectingAsync;
            _server.InterceptingSubscriptionAsync += OnSubscribingAsync;
        }
        await _server.StartAsync().ConfigureAwait(false);
        _pipeline.Publisher = this;
        IngestLog.BrokerStarted(_logger, _options.Host, Port);
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (e.ClientId == MeshClientId)
            return;
        if (_access.CheckPublish(e.UserName, topic) is { } refused)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            e.Response.ReasonString = refused;
            // MQTT 3.1.1 has no way to refuse a publish but closing the connection (a PUBACK would claim it was taken).
            e.CloseConnection = !IsV5(e.SessionItems);
            await _refusals.RecordAsync("publish", nameof(MqttPubAckReasonCode.NotAuthorized), e.ClientId, e.UserName, topic, null, refused,
                e.ApplicationMessage.Payload.ToArray()).ConfigureAwait(false);
            return;
        }
        try
        {
            var payload = e.ApplicationMessage.Payload;
            var bytes = payload.IsSingleSegment ? payload.First : payload.ToArray();
            await _pipeline.HandleAsync(topic, bytes, e.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A full backlog is recorded once (BacklogFull) and logged by the journal; not once per held message.
            if (ex is Audit.BacklogFullException)
                IngestLog.HeldBacklogFull(_logger, topic, e.ClientId);
            else
                IngestLog.NotRecorded(_logger, ex, topic, e.ClientId);
            e.ProcessPublish = false;
            e.CloseConnection = true;
        }
    }

    private async Task OnConnectingAsync(ValidatingConnectionEventArgs e)
    {
        e.SessionItems[V5Item] = e.ProtocolVersion == MqttProtocolVersion.V500;
        if (_access.CheckConnect(e.ClientId, e.UserName, e.Password) is not { } refused)
            return;
        e.ReasonCode = refused.ClientId ? MqttConnectReasonCode.ClientIdentifierNotValid : MqttConnectReasonCode.NotAuthorized;
        await _refusals.RecordAsync("connect", e.ReasonCode.ToString(), e.ClientId, e.UserName, "", e.RemoteEndPoint?.ToString(), refused.Reason,
            ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
    }

    private async Task OnSubscribingAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (_access.CheckSubscribe(e.UserName, filter) is not { } refused)
            return;
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        e.ReasonString = refused;
        await _refusals.RecordAsync("subscribe", nameof(MqttSubscribeReasonCode.NotAuthorized), e.ClientId, e.UserName, filter, null, refused,
            ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
    }

    private const string V5Item = "mesh.v5";

    private static bool IsV5(System.Collections.IDictionary items) => items[V5Item] is true;

    /// <summary>Sender id of the node's own publications (commands, dead letters); they skip ingest.</summary>
    private const string MeshClientId = "$mesh-node";

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (_server is null)
            return;
        try
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload.ToArray())
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = MeshClientId }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            IngestLog.PublishFailed(_logger, ex, topic);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _pipeline.Publisher = null;
        if (_server is not null)
            await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A TCP port free on <paramref name="address"/> right now (the OS picks it).</summary>
    public static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
