using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
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
    private MqttServer? _server;

    public EmbeddedBroker(IOptions<NodeOptions> options, IngestPipeline pipeline, ILogger<EmbeddedBroker> logger)
    {
        _options = options.Value.Mqtt;
        _pipeline = pipeline;
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
        await _server.StartAsync().ConfigureAwait(false);
        _pipeline.Publisher = this;
        IngestLog.BrokerStarted(_logger, _options.Host, Port);
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (e.ClientId == MeshClientId)
            return;
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
